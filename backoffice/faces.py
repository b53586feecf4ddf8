"""Face detection (OpenCV's Haar cascade) for the demo face check and the photo check.

The code lives in :mod:`kiosk.photo.detect` (the kiosk and the back office use
the same detector); this module keeps the back office's names.
This is a *demo* check: it answers "is there exactly one frontal face", never
"is it this person". A real deployment plugs in its own verifier
(:class:`backoffice.identity.FaceVerifier`).
"""

from __future__ import annotations

from kiosk.photo.detect import CASCADE, NotAnImage, count_faces, decode, faces  # noqa: F401
