"""Every rule of the social security card photo, each checked and reported.

The pack's ``photo`` rule (``kiosk.policies.load_pack(j).value("photo")``:
format, background, width, height, min_kb, max_kb, border) plus the
second-generation ID card photo geometry of issue #5. :func:`check` answers a
:class:`RuleResult` for *every* rule, in this order:

================  =============================================================
``jpeg``          starts with SOI (``FF D8 FF``), parses and decodes
``dimensions``    358 x 441 px (the pack's ``width`` x ``height``)
``file_size``     14-40 KB, KB = 1024 bytes (``min_kb``-``max_kb``)
``density``       JFIF APP0 density 350 x 350 dots per inch
``metadata``      no EXIF/XMP (APP1), ICC or other APPn (APP2-APP13, APP15), no
                  comment (COM); APP0 JFIF and APP14 Adobe are allowed
``padding``       no bytes after the JPEG end-of-image marker (EOI)
``one_face``      exactly one frontal face (no face / two faces)
``face_width``    face width 179-255 px
``eyes_center``   the midpoint between the eyes 162-196 px from the left edge
``crown``         the crown (top of the head) 7-21 px below the top edge
``eye_line``      the eye line at least 207 px above the bottom edge
``background``    the background (the upper corners: an eighth of the width,
                  down to 40 % of the height) near-white (90 % of its pixels)
                  and even: a "busy" background fails
``border``        no frame around the picture
================  =============================================================

How the geometry is measured (Haar face box ``x, y, w, h``):

- face width = ``FACE_WIDTH_RATIO`` (0.9) x ``w``: the frontal-face cascade's
  box is a little wider than cheek to cheek;
- the eyes are approximated from the box (Haar eye detection is unreliable on
  small, glasses-wearing or half-closed eyes): the midpoint between the eyes is
  ``(x + w / 2, y + EYE_LINE_RATIO * h)`` with ``EYE_LINE_RATIO`` = 0.40;
- the crown is *measured*: going up from the box's top edge, in the middle half
  of the box's columns, the first row that is background (95 % of its pixels
  within ``BG_TOLERANCE`` of the background colour) lies just above the crown.
  A head that reaches the top edge has its crown at 0 (cut off). When the
  background cannot be told apart, the crown is estimated as
  ``y - CROWN_RATIO * h`` (0.25).

Pixel geometry is for 358 x 441; a pack asking another size scales it.
"""

from __future__ import annotations

import struct
from dataclasses import asdict, dataclass

import numpy as np

from . import detect

KB = 1024
DEFAULT_RULES = {"format": "jpeg", "background": "white", "width": 358, "height": 441,
                 "min_kb": 14, "max_kb": 40, "border": False}
#: the reference geometry (px at 358 x 441)
REF_WIDTH, REF_HEIGHT = 358, 441
DPI = 350
FACE_WIDTH = (179, 255)
EYES_CENTER_X = (162, 196)
CROWN_Y = (7, 21)
EYE_LINE_ABOVE_BOTTOM = 207

FACE_WIDTH_RATIO = 0.9
EYE_LINE_RATIO = 0.40
CROWN_RATIO = 0.25
#: a pixel is background when no channel differs from the background colour by more
BG_TOLERANCE = 40
#: a pixel is near-white when its darkest channel is at least this ...
WHITE_MIN = 200
#: ... and its channels differ by at most this (no strong colour)
WHITE_SPREAD = 40
#: the share of near-white pixels the background needs
WHITE_SHARE = 0.9
#: the background's grey standard deviation above which it is "busy"
BUSY_STD = 18.0

RULE_NAMES = ("jpeg", "dimensions", "file_size", "density", "metadata", "padding", "one_face",
              "face_width", "eyes_center", "crown", "eye_line", "background", "border")


@dataclass(frozen=True)
class RuleResult:
    name: str
    ok: bool
    detail: str
    value: object = None

    def to_json_dict(self) -> dict:
        return asdict(self)


def first_failure(results: list[RuleResult]) -> RuleResult | None:
    """The first rule that failed, or None when all passed."""
    return next((r for r in results if not r.ok), None)


# --- the JPEG structure -----------------------------------------------------------

@dataclass
class JpegStructure:
    segments: list[tuple[int, bytes]]  # (marker, payload) before and between scans
    end: int | None                     # offset just after EOI
    error: str | None = None

    def jfif_density(self) -> tuple[int, int, int] | None:
        """``(units, x, y)`` of the JFIF APP0 segment, or None."""
        for marker, payload in self.segments:
            if marker == 0xE0 and payload[:5] == b"JFIF\x00" and len(payload) >= 12:
                units = payload[7]
                x, y = struct.unpack(">HH", payload[8:12])
                return units, x, y
        return None

    def metadata(self) -> list[str]:
        found = []
        for marker, payload in self.segments:
            if marker == 0xFE:
                found.append("comment (COM)")
            elif marker == 0xE1:
                found.append("XMP (APP1)" if payload.startswith(b"http://ns.adobe.com/xap")
                             else "EXIF (APP1)" if payload.startswith(b"Exif") else "APP1")
            elif 0xE2 <= marker <= 0xEF and marker != 0xEE:
                found.append(f"APP{marker - 0xE0}")
            elif marker == 0xE0 and payload[:5] != b"JFIF\x00":
                found.append("APP0 (not JFIF)")
        return found


def parse_jpeg(data: bytes) -> JpegStructure:
    """The marker segments of a baseline or progressive JPEG and where its EOI ends."""
    out = JpegStructure([], None)
    n = len(data)
    if not data.startswith(b"\xff\xd8"):
        out.error = "no start-of-image marker"
        return out
    i = 2
    while i < n:
        if data[i] != 0xFF:
            out.error = f"no marker at byte {i}"
            return out
        while i + 1 < n and data[i + 1] == 0xFF:  # fill bytes
            i += 1
        if i + 1 >= n:
            break
        marker = data[i + 1]
        if marker == 0xD9:
            out.end = i + 2
            return out
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        if i + 4 > n:
            break
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if length < 2 or i + 2 + length > n:
            out.error = f"a segment runs past the end (byte {i})"
            return out
        out.segments.append((marker, data[i + 4:i + 2 + length]))
        i += 2 + length
        if marker == 0xDA:  # entropy-coded data up to the next real marker
            j = i
            while j + 1 < n:
                if data[j] == 0xFF and data[j + 1] != 0 and not 0xD0 <= data[j + 1] <= 0xD7:
                    break
                j += 1
            i = j
    out.error = "no end-of-image marker"
    return out


# --- pixels ------------------------------------------------------------------------

def background_regions(image: np.ndarray, inset: int = 0) -> list[np.ndarray]:
    """The upper corners: both sides, an eighth of the width wide, down to 40 % of
    the height, ``inset`` pixels in from the edge. (The middle of the top edge is
    not background: the crown is 7-21 px below it.)"""
    h, w = image.shape[:2]
    side = max(4, w // 8)
    down = int(h * 0.4)
    return [image[inset:down, inset:inset + side],
            image[inset:down, w - inset - side:w - inset]]


def _edge_strips(image: np.ndarray, width: int = 3) -> list[np.ndarray]:
    h, w = image.shape[:2]
    down = int(h * 0.4)
    return [image[:width, :], image[:down, :width], image[:down, w - width:]]


def near_white_share(region: np.ndarray) -> float:
    """The share of near-white pixels in a BGR region."""
    if region.size == 0:
        return 1.0
    low = region.min(axis=2)
    spread = region.max(axis=2).astype(np.int16) - low
    return float(((low >= WHITE_MIN) & (spread <= WHITE_SPREAD)).mean())


def background_colour(image: np.ndarray) -> np.ndarray:
    """The median BGR colour of the background regions."""
    pixels = np.concatenate([r.reshape(-1, 3) for r in background_regions(image)])
    return np.median(pixels, axis=0)


def background_busyness(image: np.ndarray) -> float:
    """The largest grey standard deviation over the background regions."""
    stds = [float(r.mean(axis=2).std()) for r in background_regions(image) if r.size]
    return max(stds) if stds else 0.0


def crown_y(image: np.ndarray, box: tuple[int, int, int, int],
            bg: np.ndarray | None = None) -> int:
    """The top of the head above face ``box`` (see the module doc)."""
    x, y, w, h = box
    bg = background_colour(image) if bg is None else np.asarray(bg, np.float32)
    x0, x1 = max(0, x + w // 4), min(image.shape[1], x + w - w // 4)
    bottom = min(image.shape[0], y + h // 2)
    if x1 <= x0 or bottom <= 0:
        return int(round(y - CROWN_RATIO * h))
    band = image[:bottom, x0:x1].astype(np.int16)
    is_bg = (np.abs(band - bg.astype(np.int16)).max(axis=2) <= BG_TOLERANCE).mean(axis=1) >= 0.95
    start = min(max(y, 0), bottom - 1)
    if is_bg[start]:  # the box top is above the hair: go down to the head
        below = np.nonzero(~is_bg[start:])[0]
        if below.size == 0:
            return int(round(y - CROWN_RATIO * h))
        return int(start + below[0])
    above = np.nonzero(is_bg[:start + 1])[0]
    return int(above[-1] + 1) if above.size else 0


@dataclass(frozen=True)
class FaceGeometry:
    box: tuple[int, int, int, int]
    face_width: float
    eyes_x: float
    eye_y: float
    crown: int


def face_geometry(image: np.ndarray, box, bg=None) -> FaceGeometry:
    x, y, w, h = box
    return FaceGeometry(tuple(box), FACE_WIDTH_RATIO * w, x + w / 2, y + EYE_LINE_RATIO * h,
                        crown_y(image, box, bg))


# --- the check ---------------------------------------------------------------------

def check(data: bytes, rules: dict | None = None, *, only: tuple[str, ...] | None = None
          ) -> list[RuleResult]:
    """Every photo rule for ``data`` (or those in ``only``), each with its result."""
    rules = {**DEFAULT_RULES, **(rules or {})}
    width, height = int(rules["width"]), int(rules["height"])
    sx, sy = width / REF_WIDTH, height / REF_HEIGHT
    wanted = set(only or RULE_NAMES)
    results: dict[str, RuleResult] = {}

    def put(name: str, ok: bool, detail: str, value=None) -> None:
        if name in wanted:
            results[name] = RuleResult(name, bool(ok), detail, value)

    structure = parse_jpeg(data)
    image = None
    if data.startswith(b"\xff\xd8\xff"):
        try:
            image = detect.decode(data)
        except detect.NotAnImage:
            image = None
    if image is None:
        put("jpeg", False, "not a JPEG file" if not data.startswith(b"\xff\xd8\xff")
            else "the JPEG does not decode")
    elif structure.error and structure.end is None:
        put("jpeg", False, f"the JPEG is damaged: {structure.error}")
    else:
        put("jpeg", True, "a JPEG")

    lo, hi = int(rules["min_kb"]) * KB, int(rules["max_kb"]) * KB
    put("file_size", lo <= len(data) <= hi,
        f"{len(data)} bytes ({len(data) / KB:.1f} KB), needs {rules['min_kb']}-{rules['max_kb']} KB",
        len(data))

    density = structure.jfif_density()
    if density is None:
        put("density", False, f"no JFIF density (needs {DPI} dpi)")
    else:
        units, dx, dy = density
        dpi_ok = units == 1 and dx == DPI and dy == DPI
        unit_name = {0: "no unit (aspect ratio)", 1: "dpi", 2: "dots/cm"}.get(units, f"unit {units}")
        put("density", dpi_ok, f"{dx} x {dy} {unit_name}, needs {DPI} x {DPI} dpi", [units, dx, dy])

    meta = structure.metadata()
    put("metadata", not meta, "none" if not meta else "found " + ", ".join(meta), meta)

    if structure.end is None:
        put("padding", False, f"cannot find the end-of-image marker ({structure.error})")
    else:
        extra = len(data) - structure.end
        put("padding", extra == 0, "nothing after the end-of-image marker" if extra == 0
            else f"{extra} bytes after the end-of-image marker", extra)

    geometry_rules = ("one_face", "face_width", "eyes_center", "crown", "eye_line")
    if image is None:
        for name in ("dimensions", *geometry_rules, "background", "border"):
            put(name, False, "cannot check: the file does not decode")
        return [results[n] for n in RULE_NAMES if n in results]

    h, w = image.shape[:2]
    put("dimensions", (w, h) == (width, height), f"{w} x {h} px, needs {width} x {height}", [w, h])

    if wanted & set(geometry_rules):
        boxes = detect.faces(image)
        n = len(boxes)
        put("one_face", n == 1, "one face" if n == 1 else "no face" if n == 0
            else f"two faces ({n} found)" if n == 2 else f"{n} faces", n)
        if n != 1:
            for name in geometry_rules[1:]:
                put(name, False, "cannot check: needs exactly one face")
        else:
            g = face_geometry(image, boxes[0])
            fw = (FACE_WIDTH[0] * sx, FACE_WIDTH[1] * sx)
            put("face_width", fw[0] <= g.face_width <= fw[1],
                f"{g.face_width:.0f} px, needs {fw[0]:.0f}-{fw[1]:.0f}", round(g.face_width))
            ex = (EYES_CENTER_X[0] * sx, EYES_CENTER_X[1] * sx)
            put("eyes_center", ex[0] <= g.eyes_x <= ex[1],
                f"{g.eyes_x:.0f} px from the left edge, needs {ex[0]:.0f}-{ex[1]:.0f}",
                round(g.eyes_x))
            cr = (CROWN_Y[0] * sy, CROWN_Y[1] * sy)
            put("crown", cr[0] <= g.crown <= cr[1],
                f"{g.crown} px below the top edge, needs {cr[0]:.0f}-{cr[1]:.0f}", g.crown)
            above = h - g.eye_y
            need = EYE_LINE_ABOVE_BOTTOM * sy
            put("eye_line", above >= need,
                f"{above:.0f} px above the bottom edge, needs at least {need:.0f}", round(above))

    white_wanted = str(rules.get("background", "white")).lower() == "white"
    shares = [near_white_share(r) for r in background_regions(image, 0)]
    busy = background_busyness(image)
    if not white_wanted:
        put("background", True, f"not required to be white (pack: {rules.get('background')})")
    elif min(shares) < WHITE_SHARE:
        put("background", False, f"not white: {min(shares):.0%} near-white, needs "
            f"{WHITE_SHARE:.0%}", round(min(shares), 3))
    elif busy > BUSY_STD:
        put("background", False, f"busy: variation {busy:.1f}, at most {BUSY_STD:.0f}",
            round(busy, 1))
    else:
        put("background", True, f"white ({min(shares):.0%} near-white)", round(min(shares), 3))

    if rules.get("border", False):
        put("border", True, "a border is allowed")
    else:
        inner_ok = all(near_white_share(r) >= WHITE_SHARE for r in background_regions(image, 8))
        edges_ok = all(near_white_share(r) >= WHITE_SHARE for r in _edge_strips(image))
        bordered = inner_ok and not edges_ok
        put("border", not bordered, "a frame around the picture" if bordered else "no border")
    return [results[n] for n in RULE_NAMES if n in results]
