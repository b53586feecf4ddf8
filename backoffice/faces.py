"""Face detection (OpenCV's Haar cascade) for the demo face check and the photo check.

The cascade file ships with opencv-python-headless (``cv2.data.haarcascades``);
a classifier is not shared between threads (each waitress thread gets its own).
This is a *demo* check: it answers "is there exactly one frontal face", never
"is it this person". A real deployment plugs in its own verifier
(:class:`backoffice.identity.FaceVerifier`).
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

CASCADE = "haarcascade_frontalface_default.xml"
_local = threading.local()


class NotAnImage(ValueError):
    """The bytes do not decode as an image."""


def _classifier() -> "cv2.CascadeClassifier":
    classifier = getattr(_local, "classifier", None)
    if classifier is None:
        classifier = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)
        if classifier.empty():  # pragma: no cover - a broken OpenCV install
            raise RuntimeError(f"OpenCV's {CASCADE} cannot be loaded")
        _local.classifier = classifier
    return classifier


def decode(data: bytes) -> np.ndarray:
    """A BGR image from encoded bytes (JPEG, PNG...); :class:`NotAnImage` otherwise."""
    if not data:
        raise NotAnImage("empty")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise NotAnImage("the bytes are not an image")
    return image


def faces(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The frontal faces found, as ``(x, y, w, h)`` boxes."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    gray = cv2.equalizeHist(gray)
    height, width = gray.shape[:2]
    smallest = max(24, min(width, height) // 6)
    found = _classifier().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5,
                                           minSize=(smallest, smallest))
    return [tuple(int(v) for v in box) for box in found]


def count_faces(image: np.ndarray) -> int:
    return len(faces(image))
