"""The renewal's photo: a short countdown, the picture, then "use it" or "take it again".

The screen counts down (``countdown_s``) and asks the controller for a picture
(:attr:`PhotoScreen.captureRequested`); the controller takes it from the
kiosk's photo source and shows it here (:meth:`PhotoScreen.show_review`). The
citizen keeps it (:attr:`PhotoScreen.chosen` ``"use"``), takes it again
(``"retake"``), or, a child younger than the pack's age, skips it (``"skip"``).
The live camera preview with guidance replaces the countdown in the photo issue.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .base import Screen, Text, button, label, set_text, text_of

PREVIEW_W, PREVIEW_H = 358, 441     # the card photo's own size (shared/spec/policies.md)


class PhotoScreen(Screen):
    captureRequested = Signal()
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, countdown_s: int = 3):
        super().__init__(parent)
        self.setObjectName("photoScreen")
        self.countdown_s = countdown_s
        self._left = 0
        self._service: Text | None = None
        self._message: Text | None = None
        self._exempt = False
        self.jpeg: bytes | None = None
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("photoPrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("photoMessage")
        self.hint = label("body", self.body)
        self.picture = QLabel(self.body)
        self.picture.setObjectName("photoPicture")
        self.picture.setFixedSize(PREVIEW_W, PREVIEW_H)
        self.picture.setProperty("role", "card")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter = label("title", self.body, align=Qt.AlignmentFlag.AlignHCenter)
        self.counter.setObjectName("photoCountdown")
        self.use_button = button(self.body, name="photoUse")
        self.use_button.clicked.connect(lambda: self.chosen.emit("use"))
        self.retake_button = button(self.body, role="secondary", name="photoRetake")
        self.retake_button.clicked.connect(self._start_countdown)
        self.skip_button = button(self.body, role="secondary", name="photoSkip")
        self.skip_button.clicked.connect(lambda: self.chosen.emit("skip"))
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

        left = QVBoxLayout()
        left.setSpacing(24)
        left.addWidget(self.prompt)
        left.addWidget(self.message)
        left.addWidget(self.hint)
        left.addWidget(self.counter)
        left.addStretch(1)
        actions = QHBoxLayout()
        actions.setSpacing(32)
        actions.addWidget(self.use_button)
        actions.addWidget(self.retake_button)
        actions.addWidget(self.skip_button)
        actions.addStretch(1)
        left.addLayout(actions)
        row = QHBoxLayout()
        row.setSpacing(64)
        row.addLayout(left, 1)
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        self.content.addLayout(row, 1)

    # --- the controller ------------------------------------------------------------
    def start(self, *, service: Text | None, exempt: bool, message: Text | None = None) -> None:
        """A new photo: count down, then ask for a capture."""
        self._service, self._exempt, self._message = service, exempt, message
        self._start_countdown()

    def show_review(self, jpeg: bytes) -> None:
        self._timer.stop()
        self._left = 0
        self.jpeg = jpeg
        pix = QPixmap()
        pix.loadFromData(jpeg, "JPEG")
        self.picture.setPixmap(pix.scaled(PREVIEW_W, PREVIEW_H, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
        self.retranslate()

    def stop(self) -> None:
        self._timer.stop()
        self.jpeg = None
        self.picture.clear()

    @property
    def reviewing(self) -> bool:
        return self.jpeg is not None and self._left == 0

    def _start_countdown(self) -> None:
        self.jpeg = None
        self.picture.clear()
        self._left = max(1, self.countdown_s)
        self._timer.start()
        self.retranslate()

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self._timer.stop()
            self.captureRequested.emit()
        self.retranslate()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()
        super().hideEvent(event)

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        reviewing = self.jpeg is not None
        if reviewing:
            #: en: Is this photo all right?
            self.prompt.setText(self.tr("这张照片可以吗？"))
            #: en: The photo will be printed on your new card.
            self.hint.setText(self.tr("照片将印制在您的新社会保障卡上。"))
            self.counter.setText("")
        else:
            #: en: Photo for your new card
            self.prompt.setText(self.tr("拍摄新卡照片"))
            #: en: Please look at the camera above the screen, keep still, no hat or glasses.
            self.hint.setText(self.tr("请正对屏幕上方的摄像头，保持不动，不戴帽子和眼镜。"))
            #: en: Taking the photo in %n seconds
            self.counter.setText(self.tr("%n 秒后自动拍照", None, self._left) if self._left else "")
        self.counter.setVisible(bool(self.counter.text()))
        self.message.setText(text_of(self._message))
        self.message.setVisible(bool(self.message.text()))
        #: en: Use this photo
        set_text(self.use_button, self.tr("使用这张照片"))
        #: en: Take it again
        set_text(self.retake_button, self.tr("重拍"))
        #: en: No photo (child under the age)
        set_text(self.skip_button, self.tr("不需要照片（未达年龄的儿童）"))
        self.use_button.setVisible(reviewing)
        self.retake_button.setVisible(reviewing)
        self.skip_button.setVisible(self._exempt)
