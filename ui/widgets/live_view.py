"""The camera's live picture with the guidance drawn over it.

:class:`LiveView` paints the latest preview picture (RGB ``ndarray``, already
mirrored), an oval where the face should be, the face the camera found (green
when the frame is good, amber otherwise) and, along the bottom, how far the
automatic capture has come. Without a picture (starting, or the camera failed)
it paints the oval on the surface colour. Colours and sizes come from the theme.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .. import theme

# where the face should be, as fractions of the picture: centre x, centre y, width, height
OVAL = (0.5, 0.45, 0.52, 0.52)


class LiveView(QWidget):
    def __init__(self, parent: QWidget | None = None, *, size: tuple[int, int] = (540, 720)):
        super().__init__(parent)
        self.setObjectName("liveView")
        self.setFixedSize(*size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._image: QImage | None = None
        self._face = None
        self._ok = False
        self._progress = 0.0

    def show_frame(self, image: Any, face=None, ok: bool = False,
                   progress: float = 0.0) -> None:
        """A new picture (``None``: none), the face box in its pixels, and the capture progress."""
        if image is None:
            self._image = None
        else:
            h, w = image.shape[:2]
            import numpy as np   # (imported with the first picture, not at start-up)

            # the QImage shares the array; keep the array with it until the next frame
            self._array = np.ascontiguousarray(image)
            self._image = QImage(self._array.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self._face, self._ok, self._progress = face, ok, progress
        self.update()

    def clear(self) -> None:
        self._array = None
        self.show_frame(None)

    @property
    def has_picture(self) -> bool:
        return self._image is not None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        t = theme.current()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        W, H = self.width(), self.height()
        if self._image is None:
            p.fillRect(self.rect(), QColor(t.secondary))
            sx = sy = 1.0
        else:
            target = QRectF(0, 0, W, H)
            p.drawImage(target, self._image)
            sx, sy = W / self._image.width(), H / self._image.height()
        cx, cy, ow, oh = OVAL
        pen = QPen(QColor(t.primary))
        pen.setWidth(t.border_px * 2)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(W * (cx - ow / 2), H * (cy - oh / 2), W * ow, H * oh))
        if self._face is not None and self._image is not None:
            f = self._face
            pen = QPen(QColor(t.success if self._ok else t.focus))
            pen.setWidth(t.border_px * 3)
            p.setPen(pen)
            p.drawRoundedRect(QRectF(f.x * sx, f.y * sy, f.w * sx, f.h * sy), t.radius, t.radius)
        if self._progress > 0 and self._image is not None:
            bar = t.progress_h // 2
            p.fillRect(QRectF(0, H - bar, W * min(1.0, self._progress), bar), QColor(t.success))
        pen = QPen(QColor(t.border))
        pen.setWidth(t.border_px)
        p.setPen(pen)
        p.drawRect(QRectF(0, 0, W - 1, H - 1))
        p.end()
