"""The back office's re-check of a renewal photo (the kiosk checks it first).

The rules come from the pack's ``photo`` rule (the default and Hubei 第12条:
JPEG, 358 x 441 px, 14-40 KB, white background, no border) plus "exactly one
face". :func:`check_photo` answers the first rule broken, as
``PHOTO_INVALID`` ``details.rule``:

===============  ==============================================================
``format``       not a JPEG (magic bytes, or it does not decode)
``size``         the file is outside ``min_kb``-``max_kb`` (KB = 1024 bytes)
``dimensions``   not ``width`` x ``height`` pixels
``border``       a frame around the picture (the outer pixels of the top and
                 sides differ from the background just inside them)
``background``   the background (top band, upper side bands) is not near-white
``face``         not exactly one frontal face (OpenCV Haar cascade)
===============  ==============================================================

A fuller checker (second-generation ID photo rules: head size and position,
eyes open, ...) can replace this one; the rule names stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import faces

KB = 1024
#: a pixel is near-white when its darkest channel is at least this ...
WHITE_MIN = 200
#: ... and its channels differ by at most this (no strong colour)
WHITE_SPREAD = 40
#: the share of near-white pixels the background needs
WHITE_SHARE = 0.9
DEFAULT_RULES = {"format": "jpeg", "background": "white", "width": 358, "height": 441,
                 "min_kb": 14, "max_kb": 40, "border": False}


@dataclass(frozen=True)
class PhotoProblem:
    rule: str
    message: str
    details: dict = field(default_factory=dict)


def _near_white(region: np.ndarray) -> float:
    """The share of near-white pixels in a BGR region."""
    if region.size == 0:
        return 1.0
    low = region.min(axis=2)
    spread = region.max(axis=2).astype(np.int16) - low
    return float(((low >= WHITE_MIN) & (spread <= WHITE_SPREAD)).mean())


def _background_regions(image: np.ndarray, inset: int) -> list[np.ndarray]:
    """Top band and the upper parts of both sides, ``inset`` pixels in from the edge."""
    h, w = image.shape[:2]
    top = max(4, h // 14)
    side = max(4, w // 12)
    down = int(h * 0.4)
    return [image[inset:inset + top, inset:w - inset],
            image[inset:down, inset:inset + side],
            image[inset:down, w - inset - side:w - inset]]


def _edge_strips(image: np.ndarray, width: int = 3) -> list[np.ndarray]:
    h, w = image.shape[:2]
    down = int(h * 0.4)
    return [image[:width, :], image[:down, :width], image[:down, w - width:]]


def check_photo(data: bytes, rules: dict | None = None) -> PhotoProblem | None:
    """The first photo rule ``data`` breaks, or None when it passes them all."""
    rules = {**DEFAULT_RULES, **(rules or {})}
    if str(rules.get("format", "jpeg")).lower() in ("jpeg", "jpg") \
            and not data.startswith(b"\xff\xd8\xff"):
        return PhotoProblem("format", "the photo is not a JPEG file")
    try:
        image = faces.decode(data)
    except faces.NotAnImage:
        return PhotoProblem("format", "the photo does not decode")
    min_bytes, max_bytes = int(rules["min_kb"]) * KB, int(rules["max_kb"]) * KB
    if not min_bytes <= len(data) <= max_bytes:
        return PhotoProblem("size", f"the file must be {rules['min_kb']}-{rules['max_kb']} KB",
                            {"bytes": len(data), "min_kb": rules["min_kb"],
                             "max_kb": rules["max_kb"]})
    h, w = image.shape[:2]
    if (w, h) != (int(rules["width"]), int(rules["height"])):
        return PhotoProblem("dimensions", f"the photo must be {rules['width']} x "
                            f"{rules['height']} pixels",
                            {"width": w, "height": h, "expected_width": int(rules["width"]),
                             "expected_height": int(rules["height"])})
    white_background = str(rules.get("background", "white")).lower() == "white"
    if not rules.get("border", False):
        inner_ok = all(_near_white(r) >= WHITE_SHARE for r in _background_regions(image, 8))
        edges_ok = all(_near_white(r) >= WHITE_SHARE for r in _edge_strips(image))
        if inner_ok and not edges_ok:
            return PhotoProblem("border", "the photo must have no border")
    if white_background:
        shares = [_near_white(r) for r in _background_regions(image, 0)]
        if min(shares) < WHITE_SHARE:
            return PhotoProblem("background", "the background must be white",
                                {"white_share": round(min(shares), 3)})
    n = faces.count_faces(image)
    if n != 1:
        return PhotoProblem("face", "the photo must show exactly one face", {"faces": n})
    return None
