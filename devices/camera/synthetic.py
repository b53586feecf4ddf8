"""A camera made of a still image or a video file, for the demo and the tests.

Optional effects, applied per frame: sensor ``noise`` (standard deviation in
grey levels), ``motion`` (a slow sway of that many pixels), ``lighting`` (a slow
brightness swing, as a fraction: 0.3 = +-30 %). Frames come at ``fps`` (0: as
fast as asked). :meth:`SyntheticCamera.unplug` makes the next read, or the one
waiting, fail with :class:`CameraUnplugged`, as when the cable is pulled;
:meth:`set_scene` swaps the picture mid-stream (someone steps in front).
"""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Callable

import cv2
import numpy as np

from .base import (DEFAULT_READ_TIMEOUT_S, Camera, CameraBusy, CameraInfo, CameraMissing,
                   CameraTimeout, CameraUnplugged)

NOISE_FIELDS = 7
VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v")


class SyntheticCamera(Camera):
    """``SyntheticCamera(image_or_path, fps=30, noise=4, motion=6, lighting=0.2)``.

    ``source``: a BGR ``ndarray``, an image file or a video file (looped).
    ``size``: ``(width, height)`` to resize to. ``fail_open``: an error
    :meth:`open` raises (e.g. ``CameraBusy(...)``), to rehearse a broken camera.
    ``clock``/``sleep`` are injectable for tests.
    """

    def __init__(self, source: np.ndarray | str | os.PathLike, *, fps: float = 30.0,
                 size: tuple[int, int] | None = None, noise: float = 0.0,
                 motion: float = 0.0, lighting: float = 0.0, seed: int = 1,
                 name: str = "synthetic", fail_open: Exception | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.fps = fps
        self.size = size
        self.noise, self.motion, self.lighting = noise, motion, lighting
        self.fail_open = fail_open
        self._clock = clock
        cv2.setRNGSeed(seed)
        self._name = name
        self._source = source
        self._still: np.ndarray | None = None
        self._noise_bank: list[np.ndarray] = []
        self._video: cv2.VideoCapture | None = None
        self._open = False
        self._unplugged = threading.Event()
        self._lock = threading.Lock()
        self._next_at = 0.0
        self._index = 0
        self._info = CameraInfo(name=name)

    # --- the interface -----------------------------------------------------------------
    @property
    def info(self) -> CameraInfo:
        return self._info

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def frames_given(self) -> int:
        return self._index

    def open(self) -> None:
        if self._open:
            return
        if self.fail_open is not None:
            raise self.fail_open
        if self._unplugged.is_set():
            raise CameraMissing(f"camera {self._name} is unplugged")
        source = self._source
        if isinstance(source, np.ndarray):
            self._still = self._fit(source)
        else:
            path = os.fspath(source)
            if not os.path.exists(path):
                raise CameraMissing(f"no such file: {path}")
            if path.lower().endswith(VIDEO_SUFFIXES):
                video = cv2.VideoCapture(path)
                if not video.isOpened():
                    raise CameraBusy(f"the video {path} cannot be opened")
                self._video = video
            else:
                still = cv2.imread(path, cv2.IMREAD_COLOR)
                if still is None:
                    raise CameraBusy(f"the image {path} cannot be read")
                self._still = self._fit(still)
        first = self._base_frame()
        h, w = first.shape[:2]
        self._info = CameraInfo(name=self._name, width=w, height=h, fps=float(self.fps or 0))
        self._index = 0
        self._next_at = self._clock()
        self._open = True

    def read(self, timeout: float = DEFAULT_READ_TIMEOUT_S) -> np.ndarray:
        with self._lock:
            if self._unplugged.is_set():
                raise CameraUnplugged(f"camera {self._name} was unplugged")
            if not self._open:
                raise CameraUnplugged(f"camera {self._name} is not open")
            now = self._clock()
            wait = self._next_at - now
            if wait > timeout:
                if self._unplugged.wait(timeout):
                    raise CameraUnplugged(f"camera {self._name} was unplugged")
                raise CameraTimeout(f"no frame from camera {self._name} within {timeout:g} s")
            if wait > 0 and self._unplugged.wait(wait):
                raise CameraUnplugged(f"camera {self._name} was unplugged")
            if self.fps:
                self._next_at = max(self._next_at + 1.0 / self.fps, now)
            frame = self._effects(self._base_frame(), self._index)
            self._index += 1
            return frame

    def close(self) -> None:
        self._open = False
        video, self._video = self._video, None
        if video is not None:
            video.release()

    # --- rehearsals ---------------------------------------------------------------------
    def unplug(self) -> None:
        """The cable is pulled: reads fail with :class:`CameraUnplugged` (a waiting one too)."""
        self._unplugged.set()

    def replug(self) -> None:
        self._unplugged.clear()

    def set_scene(self, image: np.ndarray) -> None:
        """Show another still from the next frame on."""
        with self._lock:
            self._still = self._fit(image)
            if self._video is not None:
                self._video.release()
                self._video = None

    # --- frames --------------------------------------------------------------------------
    def _fit(self, image: np.ndarray) -> np.ndarray:
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        if self.size and (image.shape[1], image.shape[0]) != tuple(self.size):
            image = cv2.resize(image, tuple(self.size), interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(image, dtype=np.uint8)

    def _base_frame(self) -> np.ndarray:
        if self._video is not None:
            ok, frame = self._video.read()
            if not ok:  # loop the file
                self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, frame = self._video.read()
            if not ok or frame is None:
                raise CameraUnplugged(f"the video of camera {self._name} gives no frames")
            return self._fit(frame)
        assert self._still is not None
        return self._still

    def _effects(self, frame: np.ndarray, index: int) -> np.ndarray:
        t = index / (self.fps or 30.0)
        if self.motion:
            dx = self.motion * math.sin(2 * math.pi * t / 3.0)
            dy = 0.4 * self.motion * math.sin(2 * math.pi * t / 2.1)
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            frame = cv2.warpAffine(frame, m, (frame.shape[1], frame.shape[0]),
                                   borderMode=cv2.BORDER_REPLICATE)
        if self.lighting:
            gain = 1.0 + self.lighting * math.sin(2 * math.pi * t / 4.0)
            frame = cv2.convertScaleAbs(frame, alpha=gain)
        if self.noise:
            frame = cv2.add(frame, self._noise_for(frame.shape, index), dtype=cv2.CV_8U)
        elif frame is self._still:
            frame = frame.copy()  # a caller may draw on it
        return frame

    def _noise_for(self, shape: tuple, index: int) -> np.ndarray:
        # a small bank of noise fields drawn once (drawing one per frame costs ~15 ms)
        bank = self._noise_bank
        if not bank or bank[0].shape != shape:
            bank = self._noise_bank = []
            for _ in range(NOISE_FIELDS):
                field = np.empty(shape, np.int16)
                cv2.randn(field, 0.0, float(self.noise))
                bank.append(field)
        return bank[index % len(bank)]
