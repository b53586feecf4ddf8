"""Live guidance for the photo, from each camera frame (Qt-free).

:func:`guide` looks at one BGR frame and answers :class:`Guidance`: ``ok`` and
the ``hints`` to show or speak, as stable codes (the UI translates them), most
important first:

``no_face``, ``several_faces``, ``move_closer``, ``move_back``, ``centre_yourself``,
``face_the_camera`` (head tilted, from the eyes when both are found; skipped
otherwise), ``too_dark``, ``too_bright``, ``uneven_light``, ``blurred``,
``background_not_white``.

Faces are found with OpenCV's frontal Haar cascade (shipped with
opencv-python-headless) on a copy downscaled to :data:`DETECT_WIDTH` pixels, so
a 1280 x 720 frame costs a few milliseconds. :class:`AutoCapture` fires once
frames have been ok for :data:`HOLD_S` seconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

from .detect import classifier as _cascade   # one cascade loader, per thread

HINTS = ("no_face", "several_faces", "move_closer", "move_back", "centre_yourself",
         "face_the_camera", "too_dark", "too_bright", "uneven_light", "blurred",
         "background_not_white")

DETECT_WIDTH = 320
#: the face box's height as a fraction of the frame height
FACE_MIN, FACE_MAX = 0.28, 0.62
#: the face centre's distance from the frame centre, as a fraction of width / height
CENTRE_X_TOL, CENTRE_Y_TOL = 0.10, 0.15
#: head roll, in degrees, from the line between the eyes
TILT_MAX_DEG = 8.0
DARK_FACE, BRIGHT_FACE = 80.0, 225.0
DARK_FRAME = 45.0
CLIPPED_MAX = 0.20
UNEVEN_MAX = 0.12
SHARPNESS_MIN = 15.0
BACKGROUND_MIN_V, BACKGROUND_MAX_S, BACKGROUND_MAX_STD = 150.0, 40.0, 22.0
HOLD_S = 1.0



@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass(frozen=True)
class Guidance:
    """``ok`` when no hint applies; ``face`` in frame pixels (None without exactly one face)."""

    ok: bool
    hints: list[str]
    face: Box | None = None
    faces: int = 0
    eyes: tuple[tuple[float, float], tuple[float, float]] | None = None
    measures: dict = field(default_factory=dict)

    @property
    def hint(self) -> str | None:
        """The most important hint, or None."""
        return self.hints[0] if self.hints else None


def detect_faces(frame: np.ndarray) -> list[Box]:
    """Frontal faces in a BGR frame, as boxes in frame pixels."""
    h, w = frame.shape[:2]
    scale = min(1.0, DETECT_WIDTH / w)
    small = cv2.resize(frame, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA) if scale < 1 else frame
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    # stretch the levels (not equalise: a white background dominates the histogram)
    gray = cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX)
    side = max(20, min(gray.shape[:2]) // 6)
    found = _cascade("haarcascade_frontalface_default.xml").detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=4, minSize=(side, side))
    return [Box(*(int(round(v / scale)) for v in b)) for b in found]


def _eyes(gray: np.ndarray, face: Box):
    """The two eye centres (left then right in the image), or None."""
    top = gray[face.y: face.y + face.h * 55 // 100, face.x: face.x + face.w]
    if top.size == 0:
        return None
    scale = min(1.0, 120 / max(1, top.shape[1]))
    if scale < 1:
        top = cv2.resize(top, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    side = max(8, top.shape[1] // 8)
    found = _cascade("haarcascade_eye.xml").detectMultiScale(
        top, scaleFactor=1.1, minNeighbors=4, minSize=(side, side), maxSize=(top.shape[1] // 2,) * 2)
    if len(found) < 2:
        return None
    # the two largest, one on each half
    found = sorted(found, key=lambda b: -b[2] * b[3])[:2]
    centres = sorted(((x + w / 2) / scale + face.x, (y + h / 2) / scale + face.y) for x, y, w, h in found)
    (lx, _), (rx, _) = centres
    if rx - lx < face.w * 0.2:
        return None
    return centres[0], centres[1]


def _sharpness(gray_face: np.ndarray) -> float:
    # on a fixed 128-px-wide face, after a light blur so sensor noise counts little
    face = cv2.resize(gray_face, (128, max(1, round(128 * gray_face.shape[0] / gray_face.shape[1]))),
                      interpolation=cv2.INTER_AREA)
    face = cv2.GaussianBlur(face, (3, 3), 0)
    face = cv2.normalize(face, None, 0, 255, cv2.NORM_MINMAX)  # a dim face is not a blurred one
    return float(cv2.Laplacian(face, cv2.CV_32F).var())


def _background(frame: np.ndarray, face: Box) -> tuple[float, float, float] | None:
    """Mean V, mean S and grey std of the strips beside the head (None when off-frame)."""
    h, w = frame.shape[:2]
    y0, y1 = max(0, face.y - face.h // 2), max(0, face.y + face.h // 4)
    strips = []
    for x0, x1 in ((face.x - face.w * 3 // 4, face.x - face.w // 3),
                   (face.x + face.w + face.w // 3, face.x + face.w + face.w * 3 // 4)):
        x0, x1 = max(0, x0), min(w, x1)
        if x1 - x0 >= 4 and y1 - y0 >= 4:
            strips.append(frame[y0:y1, x0:x1])
    if not strips:
        return None
    pixels = np.concatenate([s.reshape(-1, 3) for s in strips])[None]
    hsv = cv2.cvtColor(pixels, cv2.COLOR_BGR2HSV)
    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    return float(hsv[..., 2].mean()), float(hsv[..., 1].mean()), float(grey.std())


def guide(frame: np.ndarray) -> Guidance:
    """The guidance for one BGR frame."""
    h, w = frame.shape[:2]
    faces = detect_faces(frame)
    hints: list[str] = []
    measures: dict = {}
    if not faces:
        gray_small = cv2.cvtColor(cv2.resize(frame, (64, 36), interpolation=cv2.INTER_AREA),
                                  cv2.COLOR_BGR2GRAY)
        hints.append("no_face")
        if gray_small.mean() < DARK_FRAME:
            hints.append("too_dark")
        return Guidance(False, hints, None, 0, None, {"frame_mean": float(gray_small.mean())})
    if len(faces) > 1:
        return Guidance(False, ["several_faces"], None, len(faces))
    face = faces[0]
    fx, fy = face.centre
    size = face.h / h
    measures["face_size"] = size
    if size < FACE_MIN:
        hints.append("move_closer")
    elif size > FACE_MAX:
        hints.append("move_back")
    off_x, off_y = (fx - w / 2) / w, (fy - h / 2) / h
    measures["offset"] = (off_x, off_y)
    if abs(off_x) > CENTRE_X_TOL or abs(off_y) > CENTRE_Y_TOL:
        hints.append("centre_yourself")

    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    eyes = _eyes(gray, face)
    if eyes is not None:
        (lx, ly), (rx, ry) = eyes
        tilt = math.degrees(math.atan2(ry - ly, rx - lx))
        measures["tilt_deg"] = tilt
        if abs(tilt) > TILT_MAX_DEG:
            hints.append("face_the_camera")

    inner = Box(face.x + face.w // 5, face.y + face.h // 5, face.w * 3 // 5, face.h * 3 // 5)
    skin = gray[inner.y: inner.y + inner.h, inner.x: inner.x + inner.w]
    mean = float(skin.mean())
    clipped = float((skin >= 250).mean())
    measures.update(face_mean=mean, clipped=clipped)
    if mean < DARK_FACE:
        hints.append("too_dark")
    elif mean > BRIGHT_FACE or clipped > CLIPPED_MAX:
        hints.append("too_bright")
    half = skin.shape[1] // 2
    left, right = float(skin[:, :half].mean()), float(skin[:, half:].mean())
    uneven = abs(left - right) / max(left, right, 1.0)
    measures["uneven"] = uneven
    if uneven > UNEVEN_MAX:
        hints.append("uneven_light")
    sharp = _sharpness(gray[face.y: face.y + face.h, face.x: face.x + face.w])
    measures["sharpness"] = sharp
    if sharp < SHARPNESS_MIN:
        hints.append("blurred")
    bg = _background(frame, face)
    lighting_off = "too_dark" in hints or "too_bright" in hints
    if bg is not None and not lighting_off:  # the background cannot be judged in bad light
        v, s, std = bg
        measures["background"] = bg
        if v < BACKGROUND_MIN_V or s > BACKGROUND_MAX_S or std > BACKGROUND_MAX_STD:
            hints.append("background_not_white")
    return Guidance(not hints, hints, face, 1, eyes, measures)


class AutoCapture:
    """Fires once when frames have been ok for ``hold_s`` seconds in a row.

    ``feed(guidance)`` returns True on the frame that fires; a bad frame starts
    the count again; after firing, it stays quiet until :meth:`reset`.
    ``progress`` (0..1) is for a countdown ring. ``clock`` is injectable.
    """

    def __init__(self, hold_s: float = HOLD_S, *, clock: Callable[[], float] = time.monotonic):
        self.hold_s = hold_s
        self.clock = clock
        self._since: float | None = None
        self._fired = False
        self.progress = 0.0

    @property
    def fired(self) -> bool:
        return self._fired

    def reset(self) -> None:
        self._since = None
        self._fired = False
        self.progress = 0.0

    def feed(self, guidance: Guidance) -> bool:
        if self._fired:
            return False
        now = self.clock()
        if not guidance.ok:
            self._since = None
            self.progress = 0.0
            return False
        if self._since is None:
            self._since = now
        held = now - self._since
        self.progress = min(1.0, held / self.hold_s) if self.hold_s > 0 else 1.0
        if held >= self.hold_s:
            self._fired = True
            return True
        return False
