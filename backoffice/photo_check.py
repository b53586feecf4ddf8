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
``face``         not exactly one frontal face (OpenCV Haar cascade)
``background``   the background (the upper corners) is not near-white, or busy
===============  ==============================================================

A fuller checker (second-generation ID photo rules: head size and position,
eyes open, ...) can replace this one; the rule names stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.photo import rules as photo_rules

KB = photo_rules.KB
DEFAULT_RULES = dict(photo_rules.DEFAULT_RULES)
#: the kiosk's rule names (:mod:`kiosk.photo.rules`) -> the API's ``details.rule``, in order
RULE_NAMES = {"jpeg": "format", "file_size": "size", "dimensions": "dimensions",
              "border": "border", "one_face": "face", "background": "background"}


@dataclass(frozen=True)
class PhotoProblem:
    rule: str
    message: str
    details: dict = field(default_factory=dict)


def check_photo(data: bytes, rules: dict | None = None) -> PhotoProblem | None:
    """The first photo rule ``data`` breaks, or None when it passes them all.

    The same code as the kiosk's check (:func:`kiosk.photo.rules.check`), on the
    rules of the table above.
    """
    results = {r.name: r for r in photo_rules.check(data, rules, only=tuple(RULE_NAMES))}
    for name, api_name in RULE_NAMES.items():
        result = results[name]
        if not result.ok:
            details = {"check": name, "detail": result.detail}
            if result.value is not None:
                details["value"] = result.value
            return PhotoProblem(api_name, result.detail, details)
    return None
