"""Cameras: the synthetic source, a missing OpenCV device, and the frame grabber
reporting a camera that goes away instead of hanging."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from devices.camera import (CameraBusy, CameraMissing, CameraTimeout, CameraUnplugged,
                            FrameGrabber, SyntheticCamera)
from devices.camera.opencv import OpenCvCamera
from devices.camera.scene import camera_scene
from kiosk.errors import KioskError


@pytest.fixture(scope="module")
def scene() -> np.ndarray:
    return camera_scene()


def test_errors_are_kiosk_errors_with_stable_codes():
    codes = {cls.code for cls in (CameraMissing, CameraBusy, CameraUnplugged, CameraTimeout)}
    assert codes == {"CAMERA_MISSING", "CAMERA_BUSY", "CAMERA_UNPLUGGED", "CAMERA_TIMEOUT"}
    assert all(issubclass(c, KioskError) for c in (CameraMissing, CameraUnplugged))


def test_synthetic_frames_have_the_scene_geometry_and_noise(scene):
    with SyntheticCamera(scene, fps=0, noise=5, seed=3) as cam:
        a, b = cam.read(), cam.read()
        assert cam.info.width == 1280 and cam.info.height == 720
    assert a.shape == (720, 1280, 3) and a.dtype == np.uint8
    assert not np.array_equal(a, b)                      # the noise changes per frame
    assert abs(float(a.mean()) - float(scene.mean())) < 2  # but not the picture


def test_synthetic_motion_and_lighting_change_the_picture(scene):
    with SyntheticCamera(scene, fps=0, motion=20) as cam:
        frames = [cam.read() for _ in range(20)]
    assert np.abs(frames[0].astype(int) - frames[19]).mean() > 1  # the sitter sways
    with SyntheticCamera(scene, fps=0, lighting=0.3) as cam:
        means = [float(cam.read().mean()) for _ in range(100)]  # 3.3 s of the 4-s swing
    assert min(means) < float(scene.mean()) * 0.8 < max(means)


def test_synthetic_camera_from_image_file_resized(tmp_path, scene):
    path = tmp_path / "scene.png"
    cv2.imwrite(str(path), scene)
    with SyntheticCamera(path, fps=0, size=(640, 360)) as cam:
        assert cam.read().shape == (360, 640, 3)
    with pytest.raises(CameraMissing):
        SyntheticCamera(tmp_path / "nothing.png").open()


def test_synthetic_camera_paces_frames(scene):
    with SyntheticCamera(scene, fps=50) as cam:
        start = time.monotonic()
        for _ in range(11):
            cam.read()
        assert 0.15 < time.monotonic() - start < 0.6


def test_a_missing_device_index_is_reported_quickly():
    start = time.monotonic()
    with pytest.raises(CameraMissing):
        OpenCvCamera(99).open()
    assert time.monotonic() - start < 1.0


def test_a_missing_video_path_is_reported(tmp_path):
    with pytest.raises(CameraMissing):
        OpenCvCamera(str(tmp_path / "none.mp4")).open()


def test_a_video_file_through_opencv_then_its_end_is_unplugged(tmp_path, scene):
    path = str(tmp_path / "clip.avi")
    out = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 10, (320, 180))
    if not out.isOpened():
        pytest.skip("this OpenCV build writes no MJPG AVI")
    small = cv2.resize(scene, (320, 180))
    for _ in range(3):
        out.write(small)
    out.release()
    cam = OpenCvCamera(path, width=None, height=None)
    cam.open()
    try:
        assert cam.info.width == 320
        got = [cam.read(timeout=2) for _ in range(3)]
        assert got[0].shape == (180, 320, 3)
        with pytest.raises(CameraUnplugged):
            for _ in range(3):
                cam.read(timeout=2)
    finally:
        cam.close()


def test_grabber_keeps_the_latest_frame(scene):
    cam = SyntheticCamera(scene, fps=100)
    with FrameGrabber(cam) as grabber:
        first = grabber.latest(timeout=2)
        time.sleep(0.1)
        later = grabber.latest(timeout=2, newer_than=first.seq)
        assert later.seq > first.seq + 3  # frames in between were dropped, not queued
        assert later.image.shape == (720, 1280, 3)
    assert not cam.is_open  # stop() closed the camera


def test_unplugging_mid_stream_is_reported_never_hangs(scene):
    errors = []
    cam = SyntheticCamera(scene, fps=30)
    grabber = FrameGrabber(cam, on_error=errors.append).start()
    try:
        seq = grabber.latest(timeout=2).seq
        cam.unplug()
        start = time.monotonic()
        with pytest.raises(CameraUnplugged):
            while True:  # frames grabbed before the unplug may still be handed out once
                seq = grabber.latest(timeout=2, newer_than=seq).seq
        assert time.monotonic() - start < 1.0
        assert isinstance(grabber.error, CameraUnplugged)
        assert len(errors) == 1 and errors[0] is grabber.error
        assert not grabber.running
    finally:
        assert grabber.stop(timeout=1)


def test_a_camera_that_cannot_open_stops_the_grabber_with_its_error(scene):
    grabber = FrameGrabber(SyntheticCamera(scene, fail_open=CameraBusy("held elsewhere"))).start()
    with pytest.raises(CameraBusy):
        grabber.latest(timeout=2)
    assert grabber.stop(timeout=1)


def test_latest_is_bounded_when_the_camera_is_slow(scene):
    cam = SyntheticCamera(scene, fps=1)
    with FrameGrabber(cam, stall_timeout=5) as grabber:
        seq = grabber.latest(timeout=2).seq
        start = time.monotonic()
        with pytest.raises(CameraTimeout):
            grabber.latest(timeout=0.2, newer_than=seq)
        assert time.monotonic() - start < 0.5
    # stop() returned quickly though a read was waiting for the next frame


def test_stop_joins_within_its_bound_during_a_slow_read(scene):
    cam = SyntheticCamera(scene, fps=0.5)
    grabber = FrameGrabber(cam, stall_timeout=10).start()
    grabber.latest(timeout=2)
    start = time.monotonic()
    grabber.stop(timeout=3)
    assert time.monotonic() - start < 3.5
    with pytest.raises(CameraUnplugged):
        grabber.latest(timeout=0.1, newer_than=10)
