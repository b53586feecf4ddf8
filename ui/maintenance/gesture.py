"""The entry gesture, watched on every touch of the application."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QTimer


class GestureFilter(QObject):
    """Feeds every press, move and release on the kiosk window to the gesture recogniser."""

    KINDS = {QEvent.Type.MouseButtonPress: "down", QEvent.Type.MouseMove: "move",
             QEvent.Type.MouseButtonRelease: "up", QEvent.Type.TouchBegin: "down",
             QEvent.Type.TouchUpdate: "move", QEvent.Type.TouchEnd: "up",
             QEvent.Type.TouchCancel: "cancel"}

    def __init__(self, owner: QObject, window_geometry: Callable[[], QRect],
                 on_gesture: Callable[[], None]):
        super().__init__(owner)
        self._window_geometry = window_geometry
        self._on_gesture = on_gesture
        self._gesture = None
        self._last: tuple | None = None
        self._swallowing = False

    @property
    def gesture(self):
        if self._gesture is None:       # imported with the first touch, not at start-up
            from kiosk.maintenance.gesture import EntryGesture

            self._gesture = EntryGesture()
        return self._gesture

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = self.KINDS.get(event.type())
        if kind is None or not hasattr(event, "globalPosition"):
            return False
        if event.type() == QEvent.Type.MouseMove and not event.buttons():
            return False
        points = event.points() if hasattr(event, "points") else ()
        pos = points[0].globalPosition() if points else event.globalPosition()
        # once per touch: a press a widget ignores goes on to its parents (and a window's
        # event becomes a widget's), each delivery passing this filter with the same stamp
        key = (kind, event.timestamp(), round(pos.x()), round(pos.y()))
        if key == self._last:
            return self._swallowing
        self._last = key
        geo = self._window_geometry()
        if geo.width() <= 0 or geo.height() <= 0:
            return False
        x = (pos.x() - geo.x()) / geo.width()
        y = (pos.y() - geo.y()) / geo.height()
        now = time.monotonic()
        if kind == "down":
            # after the hold, a corner tap is the gesture's, not the button's under it
            self._swallowing = self.gesture.armed(now) and self.gesture.in_corner(x, y)
        if self.gesture.feed((now, x, y, kind)):
            self.gesture.reset()
            QTimer.singleShot(0, self._on_gesture)
        swallow = self._swallowing
        if kind in ("up", "cancel"):
            self._swallowing = False
        return swallow
