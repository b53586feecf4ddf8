"""The camera in the UI: the renewal's live preview with spoken guidance, the face check with
the text message code beside it, and a camera unplugged in the middle of the preview.

The demo's synthetic camera (a citizen before a white wall) runs through the
real preview thread, the card photo rules and the embedded back office.
"""

from __future__ import annotations

import pytest

from .kiosk_driver import WAIT_MS, Citizen

ORDINARY_PIN = "802413"        # tests/support/pin_leaks.TEST_PINS
NEW_PIN = "135790"
SLOW_MS = 10000


def home(c: Citizen, profile: str = "ordinary") -> None:
    c.k.insert(profile, wait_home=False)
    c.wait("home", timeout=SLOW_MS)


def to_renewal_photo(c: Citizen):
    home(c)
    c.tap(c.window.home.service_buttons["renewal"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    c.wait("choice", timeout=SLOW_MS)
    c.choose("damaged")
    return c.wait("photo")


def session_steps(c: Citizen) -> list[dict]:
    [att] = [a for a in c.k.demo.services.journal.recent(50) if a.service == "kiosk_session"][:1]
    return att.steps


@pytest.fixture
def c(kiosk) -> Citizen:
    return Citizen(kiosk)


def test_the_renewal_preview_guides_then_takes_the_photo_by_itself(c, kiosk):
    photo = to_renewal_photo(c)
    kiosk.qtbot.waitUntil(lambda: photo.view.has_picture, timeout=SLOW_MS)
    assert photo.guidance.text() in ("很好，请保持不动……", "正在打开摄像头……")
    kiosk.qtbot.waitUntil(lambda: photo.reviewing, timeout=SLOW_MS)
    assert photo.use_button.isVisible() and photo.retake_button.isVisible()
    assert not photo.view.isVisible() and photo.picture.pixmap().width() == 537   # 358 px, shown 1.5 ×
    assert not kiosk.demo.last_camera.is_open               # released once the photo is taken
    c.tap(photo.retake_button)                               # again: a new live preview
    kiosk.qtbot.waitUntil(lambda: photo.reviewing, timeout=SLOW_MS)
    c.tap(photo.use_button)
    c.wait("confirm", timeout=SLOW_MS)
    c.choose("pickup")
    r = c.wait("result", timeout=SLOW_MS)
    assert (r.kind, r.code) == ("success", "RENEWAL_APPLIED")
    # (test_services.test_renewal follows the application into the progress query)


def test_guidance_is_drawn_and_spoken_when_nobody_is_in_front(c, kiosk):
    import numpy as np

    from devices.camera import SyntheticCamera

    spoken = []
    kiosk.controller._say_text = spoken.append
    kiosk.demo.services.camera = lambda: SyntheticCamera(np.full((720, 1280, 3), 250, np.uint8),
                                                         fps=30)
    photo = to_renewal_photo(c)
    kiosk.qtbot.waitUntil(lambda: photo.guidance.text() == "请站到摄像头前", timeout=SLOW_MS)
    kiosk.qtbot.waitUntil(lambda: "请站到摄像头前" in spoken, timeout=WAIT_MS)
    assert photo.live and not photo.reviewing
    c.tap(photo.capture_button)                     # the button, with nobody there
    kiosk.qtbot.waitUntil(lambda: photo.message.isVisible(), timeout=WAIT_MS)
    assert photo.message.text() == "请站到摄像头前" and photo.live
    c.tap(photo.cancel_button)
    c.wait("home")
    assert kiosk.controller.camera.preview is None    # the camera stopped with its screen


def test_unplugging_the_camera_mid_preview_is_said_and_the_session_goes_on(c, kiosk):
    kiosk.controller.settings.photo_hold_s = 60      # the preview runs until the cable goes
    photo = to_renewal_photo(c)
    kiosk.qtbot.waitUntil(lambda: photo.view.has_picture, timeout=SLOW_MS)
    kiosk.demo.last_camera.unplug()
    kiosk.qtbot.waitUntil(lambda: photo.mode == "failed", timeout=WAIT_MS)
    assert photo.prompt.text() == "摄像头暂时无法使用"
    assert photo.message.text() == "摄像头已停止工作（可能已断开连接）。"
    assert photo.retry_button.isVisible() and photo.cancel_button.isVisible()
    assert kiosk.controller.session is not None
    assert any(st["step"] == "camera_failed" and st["code"] == "CAMERA_UNPLUGGED"
               for st in session_steps(c))
    # plugged back in: try again, and the renewal goes through
    kiosk.controller.settings.photo_hold_s = 0.3
    c.tap(photo.retry_button)
    kiosk.qtbot.waitUntil(lambda: photo.reviewing, timeout=SLOW_MS)
    c.tap(photo.use_button)
    c.wait("confirm", timeout=SLOW_MS)
    c.choose("pickup")
    r = c.wait("result", timeout=SLOW_MS)
    assert r.code == "RENEWAL_APPLIED"


def test_no_camera_at_all_says_so_and_cancel_goes_home(c, kiosk):
    kiosk.demo.services.camera = None
    photo = to_renewal_photo(c)
    assert photo.mode == "failed" and photo.message.text() == "未找到本机的摄像头。"
    c.tap(photo.cancel_button)
    c.wait("home")


def to_face_check(c: Citizen):
    home(c)
    c.tap(c.window.home.service_buttons["pin_reset"])
    c.wait("choice", timeout=SLOW_MS)
    c.choose("face")
    return c.wait("photo")


def test_pin_reset_by_the_face_check(c, kiosk):
    photo = to_face_check(c)
    assert photo.prompt.text() == "请正对摄像头，进行刷脸验证"
    assert photo.other_button.isVisible()            # the text message code, always offered
    assert not photo.capture_button.isVisible() and not photo.skip_button.isVisible()
    c.wait_pin("new", timeout=SLOW_MS)               # the good frame went to the back office
    c.pin(NEW_PIN)
    c.wait_pin("confirm")
    c.pin(NEW_PIN)
    r = c.wait("result", timeout=SLOW_MS)
    assert (r.kind, r.code) == ("success", "NEW_PIN_SET")
    [att] = [a for a in kiosk.demo.services.journal.recent(20) if a.service == "pin_reset"][:1]
    assert any(st["step"] == "identity_verified" and st.get("method") == "face"
               for st in att.steps)


def test_the_face_check_gives_way_to_a_text_message_code(c, kiosk):
    kiosk.controller.settings.photo_hold_s = 60
    photo = to_face_check(c)
    c.tap(photo.other_button)
    c.sms(timeout=SLOW_MS)
    c.wait_pin("new", timeout=SLOW_MS)


def test_a_camera_gone_during_the_face_check_offers_the_code(c, kiosk):
    kiosk.controller.settings.photo_hold_s = 60
    photo = to_face_check(c)
    kiosk.qtbot.waitUntil(lambda: photo.view.has_picture, timeout=SLOW_MS)
    kiosk.demo.last_camera.unplug()
    kiosk.qtbot.waitUntil(lambda: photo.mode == "failed", timeout=WAIT_MS)
    assert photo.hint.text() == "您可以改用短信验证码验证身份。" and photo.other_button.isVisible()
    c.tap(photo.other_button)
    c.sms(timeout=SLOW_MS)
    c.wait_pin("new", timeout=SLOW_MS)


def test_the_demo_panel_pulls_the_camera_cable(c, kiosk):
    from devices.card.emulator.profile import demo_profiles
    from ui.widgets.demo_panel import DemoPanel

    panel = DemoPanel(kiosk.readers, demo_profiles(), kiosk.demo)
    kiosk.qtbot.addWidget(panel)
    panel.show()
    panel.set_expanded(True)
    assert panel.camera_button.text() == "拔出摄像头" and panel.camera_button.isVisible()
    kiosk.controller.settings.photo_hold_s = 60
    photo = to_renewal_photo(c)
    kiosk.qtbot.waitUntil(lambda: photo.view.has_picture, timeout=SLOW_MS)
    kiosk.click(panel.camera_button)
    kiosk.qtbot.waitUntil(lambda: photo.mode == "failed", timeout=WAIT_MS)


def test_without_a_camera_the_text_message_is_the_only_way(c, kiosk):
    """No camera: the PIN reset asks no "how" (the workflow's snapshot offers only SMS)
    and the code screen has no 换一种验证方式."""
    kiosk.demo.services.camera = None
    home(c)
    c.tap(c.window.home.service_buttons["pin_reset"])
    code = c.wait("code", timeout=SLOW_MS)
    assert "other" not in code.buttons and "resend" in code.buttons
    c.sms(timeout=SLOW_MS)
    c.wait_pin("new", timeout=SLOW_MS)
