"""The camera interface and its errors.

A :class:`Camera` gives BGR frames (``numpy.ndarray``, ``uint8``, ``H x W x 3``).
Every call is bounded in time: ``read()`` raises :class:`CameraTimeout` rather
than block, so the screen never freezes on a camera. The errors are
:class:`kiosk.errors.KioskError` subclasses with stable ``code`` strings; the UI
turns them into sentences.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np

from kiosk.errors import KioskError

DEFAULT_READ_TIMEOUT_S = 1.0


class CameraError(KioskError):
    """Base of the camera errors."""

    code = "CAMERA_ERROR"


class CameraMissing(CameraError):
    """No camera at that index or path (never plugged in, or not found)."""

    code = "CAMERA_MISSING"


class CameraBusy(CameraError):
    """The camera exists but another program holds it (or it refuses to stream)."""

    code = "CAMERA_BUSY"


class CameraUnplugged(CameraError):
    """The camera stopped giving frames after it had started (unplugged, stream ended)."""

    code = "CAMERA_UNPLUGGED"


class CameraTimeout(CameraError):
    """No frame arrived within the allowed time."""

    code = "CAMERA_TIMEOUT"


@dataclass(frozen=True)
class CameraInfo:
    """What a camera is and what it gives (``width``/``height`` are 0 until known)."""

    name: str
    width: int = 0
    height: int = 0
    fps: float = 0.0


class Camera(abc.ABC):
    """A source of BGR frames. Use as a context manager or ``open()``/``close()``."""

    @property
    @abc.abstractmethod
    def info(self) -> CameraInfo:
        """Name and the actual geometry (after ``open()``)."""

    @property
    @abc.abstractmethod
    def is_open(self) -> bool:
        """True between a successful ``open()`` and ``close()``."""

    @abc.abstractmethod
    def open(self) -> None:
        """Start the camera; :class:`CameraMissing` or :class:`CameraBusy` when it cannot."""

    @abc.abstractmethod
    def read(self, timeout: float = DEFAULT_READ_TIMEOUT_S) -> np.ndarray:
        """The next frame (BGR). :class:`CameraTimeout` after ``timeout`` seconds without
        one, :class:`CameraUnplugged` when the camera went away."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the camera (idempotent, never raises)."""

    def __enter__(self) -> "Camera":
        if not self.is_open:
            self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()
