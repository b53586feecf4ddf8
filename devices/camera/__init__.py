"""Cameras: the interface (:mod:`.base`), OpenCV (:mod:`.opencv`), a synthetic
source for the demo and the tests (:mod:`.synthetic`) and the synthetic citizen it
shows (:mod:`.scene`), and a grabbing thread (:mod:`.grabber`). Qt-free."""

from .base import (Camera, CameraBusy, CameraError, CameraInfo, CameraMissing, CameraTimeout,
                   CameraUnplugged)
from .grabber import Frame, FrameGrabber
from .synthetic import SyntheticCamera

__all__ = ["Camera", "CameraBusy", "CameraError", "CameraInfo", "CameraMissing",
           "CameraTimeout", "CameraUnplugged", "Frame", "FrameGrabber", "SyntheticCamera",
           "OpenCvCamera"]


def __getattr__(name: str):
    if name == "OpenCvCamera":
        from .opencv import OpenCvCamera
        return OpenCvCamera
    raise AttributeError(name)
