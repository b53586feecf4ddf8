"""A real camera through OpenCV (``cv2.VideoCapture``): a device index, a device
path (``/dev/video0``), a video file or a stream URL.

Every blocking OpenCV call (open, read) runs on a private worker thread and is
waited for with a bound, so a camera that hangs gives :class:`CameraTimeout`
instead of a frozen caller. A missing device index or path gives
:class:`CameraMissing` at once (the device node is checked before OpenCV is
asked); a device that exists but cannot be opened or does not stream gives
:class:`CameraBusy`; a read that fails after frames came gives
:class:`CameraUnplugged`.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import sys
import threading

import cv2
import numpy as np

from .base import (DEFAULT_READ_TIMEOUT_S, Camera, CameraBusy, CameraInfo, CameraMissing,
                   CameraTimeout, CameraUnplugged)

#: failed reads in a row before a live device counts as unplugged
FAILED_READS_UNPLUGGED = 2


def _is_url(source: str) -> bool:
    return "://" in source


class OpenCvCamera(Camera):
    """``OpenCvCamera(0, width=1280, height=720)``; the exposure knobs are hints
    (a driver may ignore them): ``auto_exposure`` True/False, ``exposure`` in the
    driver's units, ``brightness`` likewise."""

    def __init__(self, source: int | str = 0, *, width: int | None = 1280,
                 height: int | None = 720, fps: float | None = None,
                 auto_exposure: bool | None = None, exposure: float | None = None,
                 brightness: float | None = None, open_timeout: float = 5.0,
                 api_preference: int = cv2.CAP_ANY):
        self.source = source
        self.width, self.height, self.fps = width, height, fps
        self.auto_exposure, self.exposure, self.brightness = auto_exposure, exposure, brightness
        self.open_timeout = open_timeout
        self.api_preference = api_preference
        self._cap: cv2.VideoCapture | None = None
        self._pool: cf.ThreadPoolExecutor | None = None
        self._pending: cf.Future | None = None
        self._lock = threading.Lock()
        self._info = CameraInfo(name=self._name())
        self._frames = 0

    # --- the interface -------------------------------------------------------------
    @property
    def info(self) -> CameraInfo:
        return self._info

    @property
    def is_open(self) -> bool:
        return self._cap is not None

    def open(self) -> None:
        if self._cap is not None:
            return
        self._check_exists()
        self._pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="camera")
        future = self._pool.submit(self._open_capture)
        try:
            cap = future.result(timeout=self.open_timeout)
        except cf.TimeoutError:
            self._abandon(future)
            raise CameraBusy(f"camera {self._name()} did not open within {self.open_timeout:g} s")
        except BaseException:
            self._shutdown_pool()
            raise
        if cap is None or not cap.isOpened():
            self._shutdown_pool()
            if cap is not None:
                cap.release()
            raise self._open_failure()
        self._cap = cap
        self._frames = 0
        self._apply_hints()
        # the first frame proves the camera streams (a device held elsewhere often
        # opens and then refuses to stream)
        try:
            frame = self.read(timeout=max(self.open_timeout, DEFAULT_READ_TIMEOUT_S))
        except (CameraTimeout, CameraUnplugged) as exc:
            self.close()
            raise CameraBusy(f"camera {self._name()} opened but gives no frames ({exc.code})") from exc
        self._first = frame
        h, w = frame.shape[:2]
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._info = CameraInfo(name=self._name(), width=w, height=h, fps=fps)

    def read(self, timeout: float = DEFAULT_READ_TIMEOUT_S) -> np.ndarray:
        with self._lock:
            if self._cap is None or self._pool is None:
                raise CameraUnplugged(f"camera {self._name()} is not open")
            first = getattr(self, "_first", None)
            if first is not None:
                self._first = None
                return first
            failures = 0
            while True:
                if self._pending is None:
                    self._pending = self._pool.submit(self._cap.read)
                try:
                    ok, frame = self._pending.result(timeout=timeout)
                except cf.TimeoutError:
                    raise CameraTimeout(f"no frame from camera {self._name()} within {timeout:g} s")
                finally:
                    if self._pending is not None and self._pending.done():
                        self._pending = None
                if ok and frame is not None and frame.size:
                    self._frames += 1
                    return frame
                failures += 1
                if self._is_file() or failures >= FAILED_READS_UNPLUGGED:
                    what = "the video ended" if self._is_file() else "reads fail"
                    raise CameraUnplugged(f"camera {self._name()} stopped giving frames ({what})")

    def close(self) -> None:
        cap, self._cap = self._cap, None
        self._first = None
        pending, self._pending = self._pending, None
        if cap is not None:
            if pending is not None and not pending.done():
                # never release under a read in progress: release when it returns
                pending.add_done_callback(lambda _f: cap.release())
            else:
                cap.release()
        self._shutdown_pool()

    # --- helpers ---------------------------------------------------------------------
    def _name(self) -> str:
        return f"#{self.source}" if isinstance(self.source, int) else str(self.source)

    def _device_path(self) -> str | None:
        if isinstance(self.source, int):
            return f"/dev/video{self.source}" if sys.platform.startswith("linux") else None
        return None if _is_url(self.source) else self.source

    def _is_file(self) -> bool:
        path = self._device_path()
        return bool(path) and os.path.isfile(path)

    def _check_exists(self) -> None:
        path = self._device_path()
        if path is not None and not os.path.exists(path):
            raise CameraMissing(f"no camera at {path}")

    def _open_capture(self) -> cv2.VideoCapture:
        return cv2.VideoCapture(self.source, self.api_preference)

    def _open_failure(self) -> Exception:
        path = self._device_path()
        if path is not None and path.startswith("/dev/"):
            try:
                fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
                os.close(fd)
            except FileNotFoundError:
                return CameraMissing(f"no camera at {path}")
            except OSError as exc:
                return CameraBusy(f"camera {path} cannot be opened ({exc.strerror})")
            return CameraBusy(f"camera {path} exists but does not open (in use?)")
        return CameraMissing(f"camera {self._name()} cannot be opened")

    def _apply_hints(self) -> None:
        cap = self._cap
        assert cap is not None
        if self.width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        if self.height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        if self.fps:
            cap.set(cv2.CAP_PROP_FPS, self.fps)
        if self.auto_exposure is not None:
            # V4L2's convention: 3 = automatic (aperture priority), 1 = manual
            cap.set(cv2.CAP_PROP_AUTO_EXPOSURE, 3 if self.auto_exposure else 1)
        if self.exposure is not None:
            cap.set(cv2.CAP_PROP_EXPOSURE, self.exposure)
        if self.brightness is not None:
            cap.set(cv2.CAP_PROP_BRIGHTNESS, self.brightness)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the latest frame, not a queue of stale ones

    def _abandon(self, future: cf.Future) -> None:
        def release(f: cf.Future) -> None:
            if not f.cancelled() and f.exception() is None and f.result() is not None:
                f.result().release()
        future.add_done_callback(release)
        self._shutdown_pool()

    def _shutdown_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
