"""Face detection with the Haar cascade that ships with opencv-python-headless.

Works offline (``cv2.data.haarcascades``). A classifier is not shared between
threads: each thread gets its own.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

CASCADE = "haarcascade_frontalface_default.xml"
_local = threading.local()

Box = tuple[int, int, int, int]


class NotAnImage(ValueError):
    """The bytes do not decode as an image."""


def classifier(name: str = CASCADE) -> "cv2.CascadeClassifier":
    """This thread's classifier for one of OpenCV's bundled cascades (faces by default)."""
    cache = getattr(_local, "cascades", None)
    if cache is None:
        cache = _local.cascades = {}
    found = cache.get(name)
    if found is None:
        found = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        if found.empty():  # pragma: no cover - a broken OpenCV install
            raise RuntimeError(f"OpenCV's {name} cannot be loaded")
        cache[name] = found
    return found


def decode(data: bytes) -> np.ndarray:
    """A BGR image from encoded bytes (JPEG, PNG...); :class:`NotAnImage` otherwise."""
    if not data:
        raise NotAnImage("empty")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise NotAnImage("the bytes are not an image")
    return image


def as_bgr(image: np.ndarray) -> np.ndarray:
    """A 3-channel BGR uint8 image from a grey, BGR or BGRA array."""
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def faces(image: np.ndarray, min_size: int | None = None, *, equalize: bool = True) -> list[Box]:
    """The frontal faces found, as ``(x, y, w, h)`` boxes.

    ``min_size`` (pixels) defaults to a sixth of the shorter side, which suits
    a finished ID photo; :mod:`kiosk.photo.make` passes a smaller one for
    ordinary photos. ``equalize`` spreads the grey histogram first, which helps
    on a tight crop but can hide a face in a wide frame that is mostly white
    wall (make tries without it first).
    """
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    if equalize:
        gray = cv2.equalizeHist(gray)
    height, width = gray.shape[:2]
    smallest = min_size if min_size is not None else max(24, min(width, height) // 6)
    found = classifier().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5,
                                           minSize=(smallest, smallest))
    return [tuple(int(v) for v in box) for box in found]


def count_faces(image: np.ndarray) -> int:
    return len(faces(image))
