"""The live preview on the synthetic camera: automatic capture of a compliant photo, guidance
without capture when nobody is there, a refused manual capture, and a camera that goes away."""

from __future__ import annotations

import time

import numpy as np
import pytest

from devices.camera import CameraBusy, CameraUnplugged, SyntheticCamera
from devices.camera.scene import camera_scene
from devices.camera.preview import LivePreview
from kiosk.photo import rules


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture(scope="module")
def citizen() -> np.ndarray:
    return camera_scene()


def test_a_good_citizen_is_captured_automatically_as_a_compliant_photo(citizen):
    camera = SyntheticCamera(citizen, fps=30, noise=3, motion=2)
    preview = LivePreview(camera, hold_s=0.3).start()
    try:
        assert wait_for(lambda: preview.captured is not None)
        snap = preview.snapshot()
        assert snap.ok and snap.hints == () and snap.progress == 1.0
        assert snap.image.shape == (720, 540, 3) and snap.face is not None
        assert abs(snap.face.centre[0] - 270) < 30          # mirrored, still centred
        assert rules.first_failure(rules.check(preview.captured)) is None
        assert wait_for(lambda: not preview.running, 3)
        assert not camera.is_open                          # released once captured
    finally:
        assert preview.stop()


def test_nobody_in_front_gives_no_face_and_no_capture():
    wall = np.full((720, 1280, 3), 250, np.uint8)
    preview = LivePreview(SyntheticCamera(wall, fps=30), hold_s=0.2).start()
    try:
        assert wait_for(lambda: preview.snapshot() is not None)
        time.sleep(0.5)
        snap = preview.snapshot()
        assert snap.hints[0] == "no_face" and not snap.ok and snap.face is None
        assert preview.captured is None and preview.running
        preview.capture_now()                              # the button, with nobody there
        assert wait_for(lambda: preview.refused == "no_face")
        assert preview.captured is None and preview.running   # the preview goes on
    finally:
        assert preview.stop()


def test_the_face_box_follows_a_citizen_off_centre_in_the_mirror():
    scene = np.full((720, 1280, 3), 250, np.uint8)
    scene[110:610, 280:680] = camera_scene(400, 500)           # on the camera's left
    preview = LivePreview(SyntheticCamera(scene, fps=30), hold_s=5).start()
    try:
        assert wait_for(lambda: preview.snapshot() is not None)
        snap = preview.snapshot()
        assert "centre_yourself" in snap.hints
        assert snap.face.centre[0] > 270                     # the screen shows a mirror
    finally:
        assert preview.stop()


def test_unplugging_mid_preview_ends_it_with_the_error_within_bounds(citizen):
    camera = SyntheticCamera(citizen, fps=30)
    preview = LivePreview(camera, hold_s=60, stall_timeout=0.5).start()
    try:
        assert wait_for(lambda: preview.snapshot() is not None)
        camera.unplug()
        assert wait_for(lambda: not preview.running, 3)
        assert isinstance(preview.error, CameraUnplugged)
        assert preview.captured is None
    finally:
        started = time.monotonic()
        assert preview.stop()
        assert time.monotonic() - started < 1


def test_a_busy_camera_is_an_error_not_a_wait(citizen):
    camera = SyntheticCamera(citizen, fail_open=CameraBusy("held by another program"))
    preview = LivePreview(camera, stall_timeout=0.5).start()
    try:
        assert wait_for(lambda: not preview.running, 3)
        assert isinstance(preview.error, CameraBusy) and preview.snapshot() is None
    finally:
        preview.stop()


def test_stop_during_the_preview_is_not_an_error(citizen):
    preview = LivePreview(SyntheticCamera(citizen, fps=30), hold_s=60).start()
    assert wait_for(lambda: preview.snapshot() is not None)
    assert preview.stop()
    assert preview.error is None and not preview.running
    preview.wipe()
    assert preview.snapshot() is None
