"""Live photo guidance on synthetic 1280 x 720 frames, and the automatic capture."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.camera.scene import portrait_image
from kiosk.photo.guidance import HINTS, AutoCapture, Guidance, guide

W, H = 1280, 720
WHITE = (250, 250, 250)


def frame(pw=400, ph=500, cx=W // 2, cy=H // 2, bg=WHITE) -> np.ndarray:
    canvas = np.empty((H, W, 3), np.uint8)
    canvas[:] = bg
    p = portrait_image(width=pw, height=ph, background=bg)
    x0, y0 = cx - pw // 2, cy - ph // 2
    X0, Y0, X1, Y1 = max(0, x0), max(0, y0), min(W, x0 + pw), min(H, y0 + ph)
    canvas[Y0:Y1, X0:X1] = p[Y0 - y0:Y1 - y0, X0 - x0:X1 - x0]
    return canvas


@pytest.fixture(scope="module")
def good() -> np.ndarray:
    return frame()


def test_a_good_frame_is_ok_with_one_face_box(good):
    g = guide(good)
    assert g.ok and g.hints == []
    assert g.face is not None and abs(g.face.centre[0] - W / 2) < 40


def test_a_noisy_good_frame_is_still_ok(good):
    noisy = np.clip(good + np.random.default_rng(1).normal(0, 5, good.shape), 0, 255).astype(np.uint8)
    assert guide(noisy).ok


@pytest.mark.parametrize("name, make, hint", [
    ("empty", lambda g: np.full((H, W, 3), 250, np.uint8), "no_face"),
    ("dark", lambda g: (g * 0.25).astype(np.uint8), "too_dark"),
    ("bright", lambda g: cv2.convertScaleAbs(g, alpha=1.5, beta=40), "too_bright"),
    ("tiny face", lambda g: frame(200, 250), "move_closer"),
    ("huge face", lambda g: frame(700, 860), "move_back"),
    ("off-centre", lambda g: frame(cx=330), "centre_yourself"),
    ("two faces", lambda g: np.minimum(frame(300, 380, cx=420), frame(300, 380, cx=860)), "several_faces"),
    ("blurred", lambda g: cv2.GaussianBlur(g, (0, 0), 8), "blurred"),
    ("blue background", lambda g: frame(bg=(200, 120, 40)), "background_not_white"),
    ("lit from one side", lambda g: np.clip(g * np.concatenate(
        [np.full(492, 0.5), np.linspace(0.5, 1.0, 292), np.full(W - 784, 1.0)])[None, :, None],
        0, 255).astype(np.uint8), "uneven_light"),
])
def test_each_problem_gives_its_hint(good, name, make, hint):
    g = guide(make(good))
    assert not g.ok
    assert hint in g.hints, (name, g.hints, g.measures)
    assert set(g.hints) <= set(HINTS)


def test_the_dark_frame_says_dark_first_not_blurred_or_background(good):
    g = guide((good * 0.25).astype(np.uint8))
    assert g.hint == "too_dark"
    assert "blurred" not in g.hints and "background_not_white" not in g.hints


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


OK = Guidance(True, [])
BAD = Guidance(False, ["blurred"])


def test_autocapture_fires_after_a_second_of_ok_frames_once():
    clock = Clock()
    auto = AutoCapture(1.0, clock=clock)
    fired = []
    for _ in range(40):  # 30 fps for 1.3 s
        fired.append(auto.feed(OK))
        clock.t += 1 / 30
    first = fired.index(True)
    assert 29 <= first <= 31  # about one second in
    assert fired.count(True) == 1 and auto.fired
    auto.reset()
    assert not auto.feed(OK) and auto.progress == 0.0


def test_a_bad_frame_restarts_the_countdown():
    clock = Clock()
    auto = AutoCapture(1.0, clock=clock)
    for _ in range(20):
        assert not auto.feed(OK)
        clock.t += 1 / 30
    assert 0.5 < auto.progress < 1
    assert not auto.feed(BAD) and auto.progress == 0.0
    for _ in range(25):
        clock.t += 1 / 30
        assert not auto.feed(OK)
    clock.t += 0.3
    assert auto.feed(OK)
