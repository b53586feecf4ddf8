"""The synthetic citizen: a drawn portrait (one face OpenCV's Haar cascade detects) and the
scene a kiosk camera sees, for the demo, the ``camera: "synthetic"`` setting, the tour and
the tests.

- :func:`portrait_image`: a BGR ID-style portrait, with knobs to break each photo rule
  (faces, background, a dark border);
- :func:`camera_scene`: that portrait centred before a white wall, at the camera's size;
- :func:`synthetic_camera`: a :class:`~devices.camera.synthetic.SyntheticCamera` showing the
  scene at 30 frames a second, with a little sensor noise and sway.
"""

from __future__ import annotations

import cv2
import numpy as np

from .synthetic import SyntheticCamera


def _draw_face(img: np.ndarray, cx: int, cy: int, fw: int, fh: int) -> None:
    cv2.ellipse(img, (cx, cy - int(fh * 0.25)), (int(fw * 1.08), int(fh * 0.95)), 0, 180, 360,
                (40, 40, 40), -1)                                              # hair
    cv2.ellipse(img, (cx, cy), (fw, fh), 0, 0, 360, (150, 175, 215), -1)      # face
    ey, ex = cy - int(fh * 0.18), int(fw * 0.42)
    for side in (-1, 1):
        cv2.ellipse(img, (cx + side * ex, ey - int(fh * 0.17)), (int(fw * 0.28), int(fh * 0.05)),
                    0, 0, 360, (40, 40, 50), -1)                               # brow
        cv2.ellipse(img, (cx + side * ex, ey), (int(fw * 0.2), int(fh * 0.08)), 0, 0, 360,
                    (245, 245, 245), -1)                                       # eye white
        cv2.circle(img, (cx + side * ex, ey), int(fh * 0.07), (30, 30, 30), -1)  # iris
    cv2.ellipse(img, (cx, cy + int(fh * 0.15)), (int(fw * 0.12), int(fh * 0.2)), 0, 0, 360,
                (120, 145, 185), -1)                                           # nose
    cv2.ellipse(img, (cx, cy + int(fh * 0.5)), (int(fw * 0.35), int(fh * 0.08)), 0, 0, 360,
                (70, 70, 150), -1)                                             # mouth


def portrait_image(*, width: int = 358, height: int = 441, faces: int = 1,
                   background: tuple[int, int, int] = (250, 250, 250),
                   border: int = 0, seed: int = 7) -> np.ndarray:
    """A BGR portrait: shoulders, ``faces`` drawn faces, an optional dark frame."""
    rng = np.random.default_rng(seed)
    img = np.empty((height, width, 3), np.uint8)
    img[:] = background
    if faces:
        slots = [(width * (i + 1)) // (faces + 1) for i in range(faces)]
        fw = int(width * 0.30 / faces ** 0.5)
        fh = int(height * 0.30 / faces ** 0.5)
        cy = int(height * 0.45)
        for cx in slots:
            cv2.ellipse(img, (cx, height), (int(fw * 1.6), int(height * 0.18)), 0, 180, 360,
                        (60, 60, 120), -1)                                     # shoulders
            _draw_face(img, cx, cy, fw, fh)
    img = cv2.GaussianBlur(img, (0, 0), 3)
    # a little sensor noise away from the background, so the JPEG has a realistic size
    noise = rng.normal(0, 6, img.shape)
    mask = (img.min(axis=2) < 235)[..., None]
    img = np.clip(img + noise * mask, 0, 255).astype(np.uint8)
    if border:
        cv2.rectangle(img, (0, 0), (width - 1, height - 1), (20, 20, 20), border)
    return img


def camera_scene(width: int = 1280, height: int = 720, *, faces: int = 1,
                 background: tuple[int, int, int] = (250, 250, 250)) -> np.ndarray:
    """What a kiosk camera sees: a citizen (a 400 x 500 portrait) centred before a white
    wall, at ``width`` x ``height`` (the synthetic camera's scene in the demo and the tests)."""
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:] = background
    pw, ph = min(400, width), min(500, height)
    x0, y0 = (width - pw) // 2, (height - ph) // 2
    canvas[y0:y0 + ph, x0:x0 + pw] = portrait_image(width=pw, height=ph, faces=faces,
                                                    background=background)
    return canvas


def synthetic_camera():
    """The camera of the demo and of the ``camera: "synthetic"`` setting: :func:`camera_scene`
    at 30 frames a second, with a little sensor noise and sway."""
    return SyntheticCamera(camera_scene(), fps=30, noise=3, motion=3, name="demo camera")
