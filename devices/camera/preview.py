"""The live photo preview: camera → guidance → automatic capture → card photo (Qt-free).

It lives with the cameras (which already depend on :mod:`kiosk`), so :mod:`kiosk` needs no camera.

:class:`LivePreview` runs on its own thread. It takes the newest frame of a
:class:`devices.camera.FrameGrabber`, answers :func:`kiosk.photo.guidance.guide`
for it, feeds :class:`kiosk.photo.guidance.AutoCapture`, and once the frame has
been good for about a second (or the citizen pressed the capture button) makes
the card photo with :func:`kiosk.photo.make.make`. The screen polls
:meth:`LivePreview.snapshot` (a mirrored portrait cut from the frame, with
the face box in its pixels, and the hints) and reads the outcome:

- ``captured``: the JPEG (the camera is released at once);
- ``refused``: the last rule :func:`~kiosk.photo.make.make` refused a capture
  with (the preview goes on, the countdown starts again);
- ``error``: the camera's error (missing, busy, unplugged, silent): the
  preview has stopped and says why; nothing waits on a dead camera.

Every wait is bounded: a frame is awaited at most ``stall_timeout`` seconds and
:meth:`stop` joins its thread within its own bound.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from kiosk.photo.guidance import HOLD_S, AutoCapture, Box, Guidance, guide
from kiosk.photo.make import PhotoRefused, make

from .base import Camera, CameraError, CameraTimeout
from .grabber import FrameGrabber

log = logging.getLogger(__name__)

#: the picture handed to the screen: a portrait (3:4) cut from the middle of the frame,
#: as a mirror shows the citizen; 540 x 720 is a 1280 x 720 camera's own pixels
DISPLAY_SIZE = (540, 720)


@dataclass(frozen=True)
class Snapshot:
    """What the screen draws: ``image`` RGB ``uint8`` (mirrored, the middle of the frame),
    ``face`` in its pixels (None without exactly one face), the ``hints`` (codes of
    :data:`kiosk.photo.guidance.HINTS`, most important first), ``progress`` of the
    automatic capture (0..1) and ``seq``, which changes with every new snapshot."""

    image: np.ndarray
    face: Box | None
    hints: tuple[str, ...]
    ok: bool
    progress: float
    seq: int


def _display(frame: np.ndarray, guidance: Guidance, size: tuple[int, int]
             ) -> tuple[np.ndarray, Box | None]:
    """The middle of ``frame`` at the aspect of ``size``, scaled to it and mirrored, and the
    face box in its pixels."""
    h, w = frame.shape[:2]
    dw, dh = size
    cw = min(w, round(h * dw / dh))
    ch = min(h, round(cw * dh / dw))
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    crop = frame[y0:y0 + ch, x0:x0 + cw]
    scale = dw / cw
    small = cv2.resize(crop, (dw, dh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    rgb = cv2.cvtColor(cv2.flip(small, 1), cv2.COLOR_BGR2RGB)
    face = guidance.face
    if face is None:
        return rgb, None
    fw, fh = round(face.w * scale), round(face.h * scale)
    x = round((face.x - x0) * scale)
    return rgb, Box(dw - x - fw, round((face.y - y0) * scale), fw, fh)


class LivePreview:
    """``LivePreview(camera).start()``; poll :meth:`snapshot`, read ``captured`` / ``refused`` /
    ``error``; :meth:`capture_now` for the button, :meth:`stop`. A retake is a new preview.

    ``make_photo(frame) -> bytes`` and ``guide_frame(frame) -> Guidance`` are
    injectable (defaults: the card photo's :func:`make` and :func:`guide`).
    """

    def __init__(self, camera: Camera, *, hold_s: float = HOLD_S, stall_timeout: float = 2.0,
                 display_size: tuple[int, int] = DISPLAY_SIZE,
                 make_photo: Callable[[np.ndarray], bytes] = make,
                 guide_frame: Callable[[np.ndarray], Guidance] = guide,
                 clock: Callable[[], float] = time.monotonic):
        self.camera = camera
        self.stall_timeout = stall_timeout
        self.display_size = display_size
        self._make = make_photo
        self._guide = guide_frame
        self._auto = AutoCapture(hold_s, clock=clock)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._captured: bytes | None = None
        self._refused: str | None = None
        self._error: CameraError | None = None
        self._manual = threading.Event()
        self._stopping = threading.Event()
        self._grabber: FrameGrabber | None = None
        self._thread: threading.Thread | None = None

    # --- what the screen reads ----------------------------------------------------------
    def snapshot(self) -> Snapshot | None:
        with self._lock:
            return self._snapshot

    @property
    def captured(self) -> bytes | None:
        with self._lock:
            return self._captured

    @property
    def refused(self) -> str | None:
        """The rule the last capture was refused with (cleared by the next good capture)."""
        with self._lock:
            return self._refused

    @property
    def error(self) -> CameraError | None:
        with self._lock:
            return self._error

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- control -------------------------------------------------------------------------
    def start(self) -> "LivePreview":
        if self._thread is not None:
            raise RuntimeError("a LivePreview starts once; make a new one to start again")
        self._grabber = FrameGrabber(self.camera, stall_timeout=self.stall_timeout)
        self._grabber.start()
        self._thread = threading.Thread(target=self._run, name="photo-preview", daemon=True)
        self._thread.start()
        return self

    def capture_now(self) -> None:
        """The citizen's capture button: the next frame is made into the photo."""
        self._manual.set()

    def stop(self, timeout: float = 2.0) -> bool:
        """Stop and release the camera; True when everything ended within ``timeout``."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        ok = True
        if self._grabber is not None:
            ok = self._grabber.stop(timeout)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
            ok = ok and not thread.is_alive()
        return ok

    def wipe(self) -> None:
        """Forget the picture and the photo (a face is personal data)."""
        with self._lock:
            self._snapshot = None
            self._captured = None

    # --- the thread ----------------------------------------------------------------------
    def _run(self) -> None:
        assert self._grabber is not None
        seq = 0
        try:
            while not self._stopping.is_set():
                try:
                    frame = self._grabber.latest(timeout=self.stall_timeout, newer_than=seq)
                except CameraTimeout:
                    if self._grabber.error is None and self._grabber.running:
                        continue
                    raise
                seq = frame.seq
                guidance = self._guide(frame.image)
                fire = self._auto.feed(guidance)
                manual = self._manual.is_set()
                self._manual.clear()
                image, face = _display(frame.image, guidance, self.display_size)
                with self._lock:
                    self._snapshot = Snapshot(image, face, tuple(guidance.hints), guidance.ok,
                                              1.0 if fire else self._auto.progress, seq)
                if (fire or manual) and self._capture(frame.image):
                    return
        except CameraError as exc:
            if not self._stopping.is_set():
                log.warning("the camera stopped during the preview: %s", exc.code)
                with self._lock:
                    self._error = exc
        except Exception as exc:  # noqa: BLE001 - the preview ends with a reason, never hangs
            log.exception("the photo preview failed")
            with self._lock:
                self._error = CameraError(f"the preview failed: {type(exc).__name__}")
        finally:
            self._grabber.stop(self.stall_timeout)

    def _capture(self, image: np.ndarray) -> bool:
        """Make the card photo from ``image``; True when it is made (the preview ends)."""
        try:
            jpeg = self._make(image)
        except PhotoRefused as exc:
            log.info("a capture was refused: %s", exc.rule)
            with self._lock:
                self._refused = exc.rule
            self._auto.reset()
            return False
        with self._lock:
            self._captured = jpeg
            self._refused = None
        return True
