"""The camera screen: the live picture with guidance, then the photo to keep or take again.

Two purposes share it:

- ``renewal``: the new card's photo. The live picture (:class:`ui.widgets.live_view.LiveView`)
  shows where the face should be and what to change, in words that are also spoken
  (:attr:`PhotoScreen.hintSpoken`); the photo is taken by itself once the picture
  has been good for about a second, or with 拍照. Then the review: 使用这张照片
  (``"use"``) or 重拍 (``"retake"``). A child younger than the pack's age may skip it
  (``"skip"``).
- ``face``: the face check instead of the PIN. The same live picture; the good
  frame is sent at once (no review), and 使用短信验证码 (``"other"``) is always there.

The screen polls a preview (:class:`devices.camera.preview.LivePreview`, or
anything with ``snapshot()``, ``captured``, ``refused`` and ``error``) that the
controller starts; it emits :attr:`captured` with the JPEG, or
:attr:`cameraFailed` with the camera's error, and stops polling. Its other
answers come as :attr:`chosen` keys: use, retake, skip, capture, other, retry, cancel.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .. import texts
from ..widgets.live_view import LiveView
from .base import Screen, Text, button, label, set_shown, set_text, text_of

PHOTO_W, PHOTO_H = 358, 441         # the card photo's own size (shared/spec/policies.md)
REVIEW_SCALE = 1.5                  # shown larger for the review (the file keeps its size)
LIVE_W, LIVE_H = 540, 720           # the live picture (devices.camera.preview.DISPLAY_SIZE)
POLL_MS = 33                        # ~30 pictures a second
# a hint is spoken once it has stood this long, and not again within REPEAT_S
SPEAK_AFTER_S, REPEAT_S = 1.0, 5.0
# "someone is there" (the idle timer starts again) at most this often
PRESENT_EVERY_S = 2.0

LIVE, REVIEW, FAILED = "live", "review", "failed"


class PhotoScreen(Screen):
    captured = Signal(bytes)
    cameraFailed = Signal(object)
    hintSpoken = Signal(str)
    citizenPresent = Signal()
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("photoScreen")
        self.purpose = "renewal"
        self.mode = LIVE
        self._service: Text | None = None
        self._message: Text | None = None
        self._exempt = False
        self._preview = None
        self._seq = -1
        self._hint: str | None = "starting"
        self._hint_since = 0.0
        self._spoken: tuple[str | None, float] = ("", -1e9)
        self._present_at = 0.0
        self._refused_seen: str | None = None
        self.jpeg: bytes | None = None

        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("photoPrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("photoMessage")
        self.guidance = label("value", self.body)
        self.guidance.setObjectName("photoGuidance")
        self.hint = label("body", self.body)
        self.view = LiveView(self.body, size=(LIVE_W, LIVE_H))
        self.picture = QLabel(self.body)
        self.picture.setObjectName("photoPicture")
        self.picture.setFixedSize(round(PHOTO_W * REVIEW_SCALE), round(PHOTO_H * REVIEW_SCALE))
        self.picture.setProperty("role", "card")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.capture_button = button(self.body, name="photoCapture")
        self.use_button = button(self.body, name="photoUse")
        self.retake_button = button(self.body, role="secondary", name="photoRetake")
        self.retry_button = button(self.body, name="photoRetry")
        self.other_button = button(self.body, role="secondary", name="photoOther")
        self.skip_button = button(self.body, role="secondary", name="photoSkip")
        self.cancel_button = button(self.body, role="secondary", name="photoCancel")
        for key, b in (("capture", self.capture_button), ("use", self.use_button),
                       ("retake", self.retake_button), ("retry", self.retry_button),
                       ("other", self.other_button), ("skip", self.skip_button),
                       ("cancel", self.cancel_button)):
            b.clicked.connect(lambda _=False, key=key: self._on_button(key))
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

        left = QVBoxLayout()
        left.setSpacing(24)
        left.addWidget(self.prompt)
        left.addWidget(self.message)
        left.addWidget(self.guidance)
        left.addWidget(self.hint)
        left.addStretch(1)
        for row_buttons in ((self.capture_button, self.use_button, self.retry_button,
                             self.retake_button), (self.other_button, self.skip_button,
                                                   self.cancel_button)):
            actions = QHBoxLayout()
            actions.setSpacing(32)
            for b in row_buttons:
                actions.addWidget(b)
            actions.addStretch(1)
            left.addLayout(actions)
        row = QHBoxLayout()
        row.setSpacing(64)
        row.addLayout(left, 1)
        row.addWidget(self.view, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        self.content.addLayout(row, 1)
        self.retranslate()   # only the buttons of a mode show: all of them side by side would
        #                      widen the window beyond the screen when the screen is first built

    # --- the controller ------------------------------------------------------------
    def start_live(self, preview, *, purpose: str = "renewal", service: Text | None = None,
                   exempt: bool = False, message: Text | None = None) -> None:
        """Show ``preview``'s live picture until it captures or fails."""
        self._stop_polling()
        self.purpose, self._service, self._exempt = purpose, service, exempt
        self._message = message
        self._preview = preview
        self.mode = LIVE
        self.jpeg = None
        self.picture.clear()
        self.view.clear()
        self._seq = -1
        self._hint, self._hint_since = "starting", time.monotonic()
        self._spoken = ("", -1e9)
        self._refused_seen = None
        self._timer.start()
        self.retranslate()

    def show_review(self, jpeg: bytes) -> None:
        """The photo made from the capture: keep it or take it again."""
        self._stop_polling()
        self.mode = REVIEW
        self.jpeg = jpeg
        self.view.clear()
        pix = QPixmap()
        pix.loadFromData(jpeg, "JPEG")
        self.picture.setPixmap(pix.scaled(self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
        self._message = None
        self.retranslate()

    def show_failed(self, message: Text) -> None:
        """The camera cannot be used: say so; the citizen tries again, goes another way or stops."""
        self._stop_polling()
        self.mode = FAILED
        self.view.clear()
        self._message = message
        self.retranslate()

    def stop(self) -> None:
        """Stop polling and forget the pictures (a face is personal data)."""
        self._stop_polling()
        self.jpeg = None
        self.picture.clear()
        self.view.clear()

    @property
    def reviewing(self) -> bool:
        return self.mode == REVIEW and self.jpeg is not None

    @property
    def live(self) -> bool:
        return self.mode == LIVE and self._timer.isActive()

    def _stop_polling(self) -> None:
        self._timer.stop()
        self._preview = None

    def _on_button(self, key: str) -> None:
        if key == "capture" and self._preview is not None:
            self._preview.capture_now()
            return
        self.chosen.emit(key)

    # --- the live picture ----------------------------------------------------------------
    def _poll(self) -> None:
        preview = self._preview
        if preview is None:
            self._timer.stop()
            return
        jpeg = preview.captured
        if jpeg is not None:
            self._stop_polling()
            self.captured.emit(jpeg)
            return
        error = preview.error
        if error is not None:
            self._stop_polling()
            self.cameraFailed.emit(error)
            return
        snap = preview.snapshot()
        now = time.monotonic()
        if snap is not None and snap.seq != self._seq:
            self._seq = snap.seq
            self.view.show_frame(snap.image, snap.face, snap.ok, snap.progress)
            hint = snap.hints[0] if snap.hints else None
            if hint != self._hint:
                self._hint, self._hint_since = hint, now
                self._write_guidance()
            if snap.face is not None and now - self._present_at >= PRESENT_EVERY_S:
                self._present_at = now
                self.citizenPresent.emit()
        refused = preview.refused
        if refused != self._refused_seen:
            self._refused_seen = refused
            self._message = (lambda r=refused: texts.photo_refusal(r)) if refused else None
            self.retranslate()
        self._maybe_speak(now)

    def _maybe_speak(self, now: float) -> None:
        """Speak a hint that has stood ``SPEAK_AFTER_S``; nothing within ``REPEAT_S`` of the
        last words, and the same hint again only after three times that."""
        if self._hint == "starting" or now - self._hint_since < SPEAK_AFTER_S:
            return
        last, at = self._spoken
        if now - at < REPEAT_S or (self._hint == last and now - at < 3 * REPEAT_S):
            return
        self._spoken = (self._hint, now)
        self.hintSpoken.emit(texts.photo_hint(self._hint))

    def _write_guidance(self) -> None:
        if self.mode != LIVE:
            self.guidance.setText("")
        elif self._hint == "starting":
            #: en: Starting the camera...
            self.guidance.setText(self.tr("正在打开摄像头……"))
        else:
            self.guidance.setText(texts.photo_hint(self._hint))
        self.guidance.setProperty("role", "success" if self._hint is None and self.mode == LIVE
                                  else "value")
        self.guidance.style().unpolish(self.guidance)
        self.guidance.style().polish(self.guidance)
        self.guidance.setVisible(bool(self.guidance.text()))

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()
        super().hideEvent(event)

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        face = self.purpose == "face"
        if self.mode == REVIEW:
            #: en: Is this photo all right?
            self.prompt.setText(self.tr("这张照片可以吗？"))
            #: en: The photo will be printed on your new card.
            self.hint.setText(self.tr("照片将印制在您的新社会保障卡上。"))
        elif self.mode == FAILED:
            #: en: The camera cannot be used
            self.prompt.setText(self.tr("摄像头暂时无法使用"))
            if face:
                #: en: You can prove who you are with a text message code instead.
                self.hint.setText(self.tr("您可以改用短信验证码验证身份。"))
            else:
                #: en: Try again, or ask the staff for help.
                self.hint.setText(self.tr("请重试，或联系工作人员。"))
        elif face:
            #: en: Look at the camera to prove who you are
            self.prompt.setText(self.tr("请正对摄像头，进行刷脸验证"))
            #: en: Your picture is only used for this check and is not kept at the kiosk.
            self.hint.setText(self.tr("照片仅用于本次身份核验，本机不保存。"))
        else:
            #: en: Photo for your new card
            self.prompt.setText(self.tr("拍摄新卡照片"))
            #: en: Look at the camera above the screen, keep still, no hat or glasses. The photo is taken by itself.
            self.hint.setText(self.tr("请正对屏幕上方的摄像头，保持不动，不戴帽子和眼镜。画面合格后将自动拍照。"))
        self._write_guidance()
        self.message.setText(text_of(self._message))
        self.message.setVisible(bool(self.message.text()))
        #: en: Take the photo now
        set_text(self.capture_button, self.tr("立即拍照"))
        #: en: Use this photo
        set_text(self.use_button, self.tr("使用这张照片"))
        #: en: Take it again
        set_text(self.retake_button, self.tr("重拍"))
        #: en: Try again
        set_text(self.retry_button, self.tr("重试"))
        #: en: Use a text message code
        set_text(self.other_button, self.tr("使用短信验证码"))
        #: en: No photo (child under the age)
        set_text(self.skip_button, self.tr("不需要照片（未达年龄的儿童）"))
        #: en: Cancel
        set_text(self.cancel_button, self.tr("取消办理"))
        live, review, failed = self.mode == LIVE, self.mode == REVIEW, self.mode == FAILED
        # the live picture and the photo take turns beside the text (both: wider than the screen)
        set_shown({self.view: not review, self.picture: review,
                   self.capture_button: live and not face, self.use_button: review,
                   self.retake_button: review, self.retry_button: failed,
                   self.other_button: face,
                   self.skip_button: self._exempt and not face and not review,
                   self.cancel_button: True})
