"""Frames grabbed on their own thread, keeping only the latest.

``FrameGrabber(camera).start()`` opens the camera (if needed) and reads on a
daemon thread; :meth:`FrameGrabber.latest` returns the newest frame within a
bound. When the camera fails (missing, busy, unplugged, or silent for
``stall_timeout``), the thread stops and keeps the error: :attr:`error` holds
it and ``latest()`` raises it, so a consumer never waits on a dead camera.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .base import Camera, CameraError, CameraTimeout, CameraUnplugged


@dataclass(frozen=True)
class Frame:
    """One grabbed frame: ``seq`` counts from 1; ``at`` is ``time.monotonic()``."""

    image: np.ndarray
    seq: int
    at: float


class FrameGrabber:
    """``grabber.start()``, then ``grabber.latest(timeout, newer_than=seq)``, then ``stop()``.

    ``on_error(error)`` is called once, from the grabbing thread, when it stops
    on an error. ``stall_timeout``: the longest wait for one frame before the
    camera counts as gone (:class:`CameraTimeout`).
    """

    def __init__(self, camera: Camera, *, stall_timeout: float = 2.0,
                 on_error: Callable[[CameraError], None] | None = None,
                 close_camera: bool = True):
        self.camera = camera
        self.stall_timeout = stall_timeout
        self.on_error = on_error
        self.close_camera = close_camera
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._error: CameraError | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- state --------------------------------------------------------------------------
    @property
    def error(self) -> CameraError | None:
        """The error that stopped the grabbing, or None."""
        with self._cond:
            return self._error

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def frames(self) -> int:
        with self._cond:
            return self._frame.seq if self._frame else 0

    # --- control ------------------------------------------------------------------------
    def start(self) -> "FrameGrabber":
        if self._thread is not None:
            raise RuntimeError("a FrameGrabber starts once")
        self._thread = threading.Thread(target=self._run, name="frame-grabber", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop grabbing and close the camera; True when the thread ended within ``timeout``."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def latest(self, timeout: float = 1.0, *, newer_than: int = 0) -> Frame:
        """The newest frame with ``seq > newer_than``, waiting at most ``timeout`` seconds.

        Raises the camera's error if grabbing stopped on one, :class:`CameraTimeout`
        when no such frame came in time, :class:`CameraUnplugged` after ``stop()``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                frame = self._frame
                if frame is not None and frame.seq > newer_than:
                    return frame
                if self._error is not None:
                    raise self._error
                if self._stopping.is_set() or (self._thread is not None and not self._thread.is_alive()):
                    raise CameraUnplugged("the frame grabber is stopped")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CameraTimeout(f"no new frame within {timeout:g} s")
                self._cond.wait(left)

    def __enter__(self) -> "FrameGrabber":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- the thread -----------------------------------------------------------------------
    def _run(self) -> None:
        error: CameraError | None = None
        try:
            if not self.camera.is_open:
                self.camera.open()
            seq = 0
            while not self._stopping.is_set():
                image = self.camera.read(timeout=self.stall_timeout)
                seq += 1
                with self._cond:
                    self._frame = Frame(image, seq, time.monotonic())
                    self._cond.notify_all()
        except CameraError as exc:
            error = exc
        except Exception as exc:  # an unexpected failure still ends the preview cleanly
            error = CameraUnplugged(f"the camera failed: {type(exc).__name__}")
            error.__cause__ = exc
        finally:
            if self.close_camera:
                try:
                    self.camera.close()
                except Exception:  # pragma: no cover - close() must not raise
                    pass
            if error is not None and self._stopping.is_set():
                error = None  # a read interrupted by stop() is not a failure
            with self._cond:
                self._error = error
                self._cond.notify_all()
        if error is not None and self.on_error is not None:
            self.on_error(error)
