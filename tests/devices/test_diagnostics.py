"""The hardware checks on in-process parts: software cards in emulated readers, the
synthetic camera, a video file opened by OpenCV. (Over a real pcscd: tests/e2e/test_diag_cli.py.)"""

from __future__ import annotations

import threading

import pytest

from devices.camera import CameraBusy, SyntheticCamera
from devices.camera.scene import camera_scene
from devices.card.emulator import EmulatedReaders, SoftCard, demo_profiles, load_profile
from devices.diagnostics import (
    check_camera,
    check_pcsc,
    check_reader,
    device_checks,
    insert_card_test,
    parse_camera_source,
    wait_for_card,
)
from kiosk.check_results import FAIL, OK, WARNING
from kiosk.diagnostics import run_checks
from tests.support.scene_video import write_scene_video


def soft_card(profile: str = "ordinary") -> SoftCard:
    return SoftCard(load_profile(demo_profiles()[profile]), state_path=None)


# --- readers and cards -----------------------------------------------------------------------

def test_each_reader_with_its_card_public_data_and_trace():
    readers = EmulatedReaders(["R0", "R1"])
    readers.insert("R0", soft_card())
    pcsc, r0, r1 = check_pcsc(readers)
    assert (pcsc.name, pcsc.status) == ("pcsc", OK) and pcsc.detail["readers"] == ["R0", "R1"]
    assert (r0.name, r0.status) == ("reader:R0", OK)
    assert r0.detail["atr"].startswith("3B6D0000")
    assert r0.detail["card"] == {"algorithm": "SM4", "card_no": "A10000001",
                                 "card_id_code": "420100D156000005A1B2C3D4E5F60718",
                                 "region": "420100", "card_type": "3", "spec_version": "3.00"}
    # the trace of this read: SELECT of the application, then the public records, nothing more
    assert r0.detail["trace"][0].startswith("> 00A404000F 7378312E73682E")
    assert any(line.startswith("> 00B207") for line in r0.detail["trace"])
    assert not any(line.startswith(("> 0020", "> 0084")) for line in r0.detail["trace"])
    assert "SM4 card read" in r0.summary
    assert (r1.name, r1.status, r1.detail["card_present"]) == ("reader:R1", OK, False)
    assert r1.summary == "ready, no card in it"


@pytest.mark.parametrize("profile, words", [("des_card", "DES"), ("foreign_card", "social security")])
def test_a_card_we_cannot_serve_is_a_warning_not_a_broken_reader(profile, words):
    readers = EmulatedReaders(["R0"])
    readers.insert("R0", soft_card(profile))
    r = check_reader("R0", backend=readers)
    assert r.status == WARNING and words in r.summary and "not served here" in r.summary
    assert r.detail["trace"]


def test_no_reader_is_a_fail():
    [r] = check_pcsc(EmulatedReaders([]))
    assert r.status == FAIL and r.summary == "PC/SC service running but no card reader connected"


def test_a_reader_that_went_away_is_a_fail():
    r = check_reader("gone", backend=EmulatedReaders(["R0"]))
    assert r.status == FAIL and r.detail["error"] == "NO_READER"


def test_live_insert_card_test():
    readers = EmulatedReaders(["R0"])
    timer = threading.Timer(0.3, lambda: readers.insert("R0", soft_card()))
    timer.start()
    try:
        r = insert_card_test("R0", timeout=5, backend=readers)
    finally:
        timer.cancel()
    assert r.status == OK and r.detail["card"]["card_no"] == "A10000001"


def test_live_insert_card_test_without_a_card():
    readers = EmulatedReaders(["R0"])
    r = insert_card_test("R0", timeout=0.3, backend=readers)
    assert r.status == FAIL and r.summary == "no card was inserted within 0.3 s"
    cancel = threading.Event()
    cancel.set()
    assert not wait_for_card("R0", 5, backend=readers, cancel=cancel)
    r = insert_card_test("R0", timeout=5, backend=readers, cancel=cancel)
    assert r.status == WARNING and "cancelled" in r.summary


# --- the camera --------------------------------------------------------------------------------

def test_camera_frames_per_second_and_faces():
    r = check_camera(SyntheticCamera(camera_scene(), fps=30))
    assert r.status == OK, r.summary
    assert (r.detail["width"], r.detail["height"], r.detail["faces"]) == (1280, 720, 1)
    assert 0 < r.detail["fps"] <= 45       # paced at 30 frames/s: never more
    assert "1280x720" in r.summary and "1 face" in r.summary


def test_a_slow_camera_is_a_warning():
    r = check_camera(SyntheticCamera(camera_scene(), fps=4))
    assert r.status == WARNING and "stutter" in r.summary


def test_an_empty_scene_is_fine():
    blank = camera_scene(faces=0)
    r = check_camera(SyntheticCamera(blank, fps=30))
    assert r.status == OK and r.detail["faces"] == 0 and "0 faces" in r.summary


def test_a_camera_unplugged_during_the_count_fails():
    cam = SyntheticCamera(camera_scene(), fps=30)
    threading.Timer(0.2, cam.unplug).start()
    r = check_camera(cam)
    assert r.status == FAIL and "stopped giving frames" in r.summary


def test_a_busy_camera_fails():
    cam = SyntheticCamera(camera_scene(), fail_open=CameraBusy("camera held by another program"))
    r = check_camera(cam)
    assert r.status == FAIL and "held by another program" in r.summary


def test_missing_camera_device():
    r = check_camera("/dev/video99")
    assert r.status == FAIL and r.summary == "no camera at /dev/video99"


def test_video_file_through_opencv(tmp_path):
    video = write_scene_video(tmp_path / "scene.avi", frames=15)
    r = check_camera(str(video))
    assert r.status == OK, r.summary
    assert r.detail["kind"] == "file" and r.detail["frames"] == 15 and r.detail["faces"] == 1


def test_camera_source_parsing():
    assert parse_camera_source("0") == 0
    assert parse_camera_source("none") is None and parse_camera_source("") is None
    assert parse_camera_source("/dev/video2") == "/dev/video2"
    assert parse_camera_source("rtsp://cam/1") == "rtsp://cam/1"


def test_device_checks_run_by_the_engine():
    readers = EmulatedReaders(["R0"])
    readers.insert("R0", soft_card())
    results = run_checks(device_checks(SyntheticCamera(camera_scene(), fps=30), backend=readers))
    assert [(r.name, r.status) for r in results] == [("pcsc", OK), ("reader:R0", OK), ("camera", OK)]
    assert [c.name for c in device_checks(None, backend=readers)] == ["pcsc"]
