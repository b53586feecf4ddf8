"""Make a card photo from an ordinary portrait (see :mod:`kiosk.photo.rules` for the rules).

:func:`make`:

1. the background (the upper corners of the input, as in the rules) must be light,
   without strong colour and even, or the photo is refused with
   ``background_not_white`` (no background is invented or cut out);
2. exactly one face (Haar cascade, faces smaller than half the largest one are
   ignored as false detections): ``no_face`` / ``two_faces``;
3. scale so the face is ``TARGET_FACE_WIDTH`` px wide, never enlarging more
   than ``MAX_UPSCALE`` times (``face_too_small``); then shift so the midpoint
   between the eyes is at x = 179 and the crown at y = 14 (the eye line is
   kept at least ``EYE_LINE_MARGIN`` px inside the 207 px rule by shrinking
   when the head is tall). Pixels outside the input repeat its edge (white on a
   white background);
4. brighten so the background is ``WHITE_LEVEL`` (per-channel gain, never
   darker): a light grey wall becomes white;
5. encode afresh (no EXIF/XMP/comment survives), set the JFIF density to
   350 dpi, and search the JPEG quality from 70 (down when too big, up when
   too small) until the file is 14-40 KB; nothing is ever added after EOI;
6. the result is checked with :func:`kiosk.photo.rules.check`; a rule that
   still fails refuses the photo with that rule's name.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import detect, rules as photo_rules

TARGET_FACE_WIDTH = 217
TARGET_EYES_X = 179
TARGET_CROWN_Y = 14
EYE_LINE_MARGIN = 12
MAX_UPSCALE = 1.5
#: the smallest face box the detector looks for in an input photo (px)
MIN_DETECT = 40
#: the background must be at least this light (darkest channel of its median colour) ...
LIGHT_MIN = 150
#: ... with channels at most this far apart ...
COLOUR_SPREAD = 40
#: ... and this share of its pixels close to that colour
BG_SHARE = 0.9
WHITE_LEVEL = 250
START_QUALITY = 70


class PhotoRefused(Exception):
    """The photo cannot be made compliant: ``rule`` says why."""

    def __init__(self, rule: str, detail: str):
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail


def _background_problem(image: np.ndarray) -> str | None:
    bg = photo_rules.background_colour(image)
    if bg.min() < LIGHT_MIN:
        return f"the background is too dark (median colour {bg.astype(int).tolist()} BGR)"
    if bg.max() - bg.min() > COLOUR_SPREAD:
        return f"the background is coloured (median colour {bg.astype(int).tolist()} BGR)"
    pixels = np.concatenate([r.reshape(-1, 3) for r in photo_rules.background_regions(image)])
    close = (np.abs(pixels.astype(np.int16) - bg.astype(np.int16)).max(axis=1)
             <= photo_rules.BG_TOLERANCE).mean()
    busy = photo_rules.background_busyness(image)
    if close < BG_SHARE or busy > photo_rules.BUSY_STD:
        return f"the background is busy (variation {busy:.1f}, {close:.0%} even)"
    return None


def _set_density(data: bytes, dpi: int) -> bytes:
    """The same JPEG with its JFIF APP0 density set to ``dpi`` (same length)."""
    if data[2:4] != b"\xff\xe0" or data[6:11] != b"JFIF\x00":
        raise RuntimeError("the encoder wrote no JFIF header")
    return data[:13] + bytes([1]) + dpi.to_bytes(2, "big") * 2 + data[18:]


def encode(image: np.ndarray, min_kb: int = 14, max_kb: int = 40, dpi: int = photo_rules.DPI
           ) -> bytes:
    """JPEG bytes of ``image`` at ``dpi``, quality searched from 70 so the size fits."""
    lo, hi = min_kb * photo_rules.KB, max_kb * photo_rules.KB

    def at(q: int) -> bytes:
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, q])
        if not ok:  # pragma: no cover
            raise RuntimeError("JPEG encoding failed")
        return _set_density(buf.tobytes(), dpi)

    data = at(START_QUALITY)
    step = -2 if len(data) > hi else 2
    q = START_QUALITY
    while not lo <= len(data) <= hi:
        q += step
        if not 10 <= q <= 100:
            raise PhotoRefused("file_size", f"no JPEG quality gives {min_kb}-{max_kb} KB "
                               f"({len(data)} bytes at quality {q - step})")
        data = at(q)
        if step < 0 and len(data) < lo or step > 0 and len(data) > hi:
            raise PhotoRefused("file_size", f"no JPEG quality gives {min_kb}-{max_kb} KB")
    return data


def make(source: bytes | np.ndarray, rules: dict | None = None) -> bytes:
    """A compliant card photo (JPEG bytes) from a portrait, or :class:`PhotoRefused`."""
    rules = {**photo_rules.DEFAULT_RULES, **(rules or {})}
    width, height = int(rules["width"]), int(rules["height"])
    sx, sy = width / photo_rules.REF_WIDTH, height / photo_rules.REF_HEIGHT
    if isinstance(source, (bytes, bytearray, memoryview)):
        try:
            image = detect.decode(bytes(source))
        except detect.NotAnImage as exc:
            raise PhotoRefused("not_an_image", str(exc)) from None
    else:
        image = detect.as_bgr(np.asarray(source, np.uint8))

    problem = _background_problem(image)
    if problem:
        raise PhotoRefused("background_not_white", problem)

    boxes = (detect.faces(image, min_size=MIN_DETECT, equalize=False)
             or detect.faces(image, min_size=MIN_DETECT))
    if boxes:
        largest = max(b[2] for b in boxes)
        boxes = [b for b in boxes if b[2] >= largest / 2]
    if not boxes:
        raise PhotoRefused("no_face", "no face found")
    if len(boxes) > 1:
        raise PhotoRefused("two_faces", f"{len(boxes)} faces found, the photo needs one")

    bg = photo_rules.background_colour(image)
    g = photo_rules.face_geometry(image, boxes[0], bg)
    scale = TARGET_FACE_WIDTH * sx / g.face_width
    crown_to_eye = g.eye_y - g.crown
    eye_limit = height - photo_rules.EYE_LINE_ABOVE_BOTTOM * sy - EYE_LINE_MARGIN * sy
    if crown_to_eye > 0 and TARGET_CROWN_Y * sy + scale * crown_to_eye > eye_limit:
        scale = (eye_limit - TARGET_CROWN_Y * sy) / crown_to_eye
    if scale > MAX_UPSCALE:
        raise PhotoRefused("face_too_small", f"the face is {g.face_width:.0f} px wide; it needs "
                           f"at least {TARGET_FACE_WIDTH * sx / MAX_UPSCALE:.0f} px "
                           "(come closer or use a larger photo)")

    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    matrix = np.float32([[scale, 0, TARGET_EYES_X * sx - scale * g.eyes_x],
                         [0, scale, TARGET_CROWN_Y * sy - scale * g.crown]])
    if scale < 1:  # resample once with area averaging, then shift
        small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)
        matrix[0, 0] = matrix[1, 1] = 1.0
        image = small
    out = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)

    bg_out = photo_rules.background_colour(out)
    gain = np.maximum(WHITE_LEVEL / np.maximum(bg_out, 1.0), 1.0)
    if (gain > 1.0).any():
        out = np.clip(out.astype(np.float32) * gain, 0, 255).astype(np.uint8)

    data = encode(out, int(rules["min_kb"]), int(rules["max_kb"]))
    failed = photo_rules.first_failure(photo_rules.check(data, rules))
    if failed is not None:
        raise PhotoRefused(failed.name, failed.detail)
    return data
