"""Maintenance mode on the real kiosk window: the gesture, the technician's credentials checked
by the reference back office, lockout, the local code when it is down, the diagnostics,
settings and bundle, and every action in the journal."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtCore import QPoint, Qt

from .kiosk_driver import WAIT_MS

SLOW_MS = 20000


@pytest.fixture
def kiosk_m(kiosk):
    kiosk.demo.enable_maintenance(kiosk.readers)
    return kiosk


def press(k, x: float, y: float, hold_ms: int = 0) -> None:
    """A touch at (x, y) of the window, in fractions of its size, held ``hold_ms``."""
    w = k.window
    pos = QPoint(int(x * w.width()), int(y * w.height()))
    target = w.childAt(pos) or w
    local = target.mapFrom(w, pos)
    k.qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=local)
    if hold_ms:
        k.qtbot.wait(hold_ms)
    k.qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=local)


def gesture(k) -> None:
    press(k, 0.03, 0.03, hold_ms=3200)
    press(k, 0.97, 0.97)
    press(k, 0.03, 0.97)
    k.qtbot.waitUntil(lambda: k.controller.maintenance.active, timeout=WAIT_MS)


def type_on(k, pad, digits: str) -> None:
    for d in digits:
        k.click(pad.keys[d])


def pin_on(k, keypad, digits: str) -> None:
    for d in digits:
        k.click(keypad.digit_button(d))


def sign_in(k, account="T0001", pin=None, otp=None) -> None:
    acc, demo_pin, code = k.demo.technician_code(account)
    login = k.window.maintenance_login
    k.qtbot.waitUntil(lambda: k.screen is login and login.step == "account", timeout=WAIT_MS)
    type_on(k, login.pad, acc[1:])
    k.click(login.pad.confirm_button)
    k.qtbot.waitUntil(lambda: login.step == "pin", timeout=WAIT_MS)
    pin_on(k, login.keypad, pin or demo_pin)
    k.qtbot.waitUntil(lambda: login.step == "otp", timeout=WAIT_MS)
    type_on(k, login.pad, otp or code)


def maintenance_rows(k) -> list:
    return [a for a in k.demo.services.journal.recent(50) if a.service == "maintenance"]


def test_a_tap_in_a_corner_does_nothing(kiosk_m):
    k = kiosk_m
    press(k, 0.03, 0.03)
    press(k, 0.97, 0.97)
    press(k, 0.03, 0.97)
    k.qtbot.wait(200)
    assert k.screen is k.window.attract and not k.controller.maintenance.active


def test_gesture_credentials_diagnostics_settings_export_and_exit(kiosk_m, tmp_path):
    k = kiosk_m
    k.insert("ordinary", wait_home=False)
    k.qtbot.waitUntil(lambda: k.screen is k.window.home, timeout=SLOW_MS)
    gesture(k)
    # the citizen's session ended first
    assert k.controller.session is None and k.controller.maintenance.active
    sign_in(k)
    m = k.window.maintenance
    k.qtbot.waitUntil(lambda: k.screen is m, timeout=SLOW_MS)
    assert "T0001" in m.who.text()
    # the diagnostics run by themselves: every check has a row
    k.qtbot.waitUntil(lambda: m.checks.count() >= 3 * 5, timeout=SLOW_MS * 3)
    texts = [m.checks.itemAt(i).widget().text() for i in range(m.checks.count())]
    assert "backoffice" in texts and "journal" in texts and "pcsc" in texts
    # the card reader test reads the card still in the reader
    k.click(m.card_test_button)
    k.qtbot.waitUntil(lambda: "ATR" in m.card_report.toPlainText(), timeout=SLOW_MS)
    assert "A10000001" in m.card_report.toPlainText()
    # settings: the idle time one step up, saved
    k.click(m.nav["settings"])
    k.qtbot.waitUntil(lambda: ("idle_timeout_s", "+") in getattr(m, "setting_buttons", {})
                      and m.setting_buttons[("idle_timeout_s", "+")].isVisible(), timeout=WAIT_MS)
    k.click(m.setting_buttons[("idle_timeout_s", "+")])
    k.click(m.save_button)
    k.qtbot.waitUntil(lambda: "1" in m.message.text(), timeout=WAIT_MS)
    assert k.demo.services.maintenance.store.load().idle_timeout_s == 105
    # logs and the bundle to the (demo) USB stick
    k.click(m.nav["logs"])
    k.click(m.export_button)
    k.qtbot.waitUntil(lambda: ".zip" in m.message.text(), timeout=SLOW_MS)
    [bundle] = list(k.demo.usb_stick.glob("*.zip"))
    assert zipfile.ZipFile(bundle).testzip() is None
    k.click(m.nav["exit"])
    k.qtbot.waitUntil(lambda: k.screen is k.window.attract or k.screen is k.window.home,
                      timeout=WAIT_MS)
    assert not k.controller.maintenance.active
    # the journal has the entry, every action and the exit; no PIN anywhere
    rows = maintenance_rows(k)
    assert any("entry_gesture" in [s["step"] for s in r.steps] for r in rows)
    [row] = [r for r in rows if "entered" in [s["step"] for s in r.steps]]
    assert row.outcome == "ok"
    steps = [s["step"] for s in row.steps]
    actions = [s.get("action") for s in row.steps if s["step"] == "action"]
    for a in ("diagnostics", "card_test", "settings_save", "export", "exit_requested"):
        assert a in actions, actions
    assert "exit" in steps


def test_wrong_codes_lock_the_entry(kiosk_m):
    k = kiosk_m
    gesture(k)
    login = k.window.maintenance_login
    for _ in range(5):
        sign_in(k, otp="000000")
        k.qtbot.waitUntil(lambda: k.screen is login and login.message.isVisible(),
                          timeout=SLOW_MS)
    assert "锁定" in login.message.text()
    sign_in(k)                                      # now even the right code is refused
    k.qtbot.waitUntil(lambda: k.screen is login and login.message.isVisible(), timeout=SLOW_MS)
    assert "锁定" in login.message.text()
    assert k.screen is not k.window.maintenance
    assert any(r.outcome == "refused" for r in maintenance_rows(k))


def test_the_local_code_when_the_back_office_is_down(kiosk_m):
    k = kiosk_m
    k.demo.set_offline(True)
    gesture(k)
    sign_in(k)
    login = k.window.maintenance_login
    k.qtbot.waitUntil(lambda: login.step == "pin" and login.message.isVisible(), timeout=SLOW_MS)
    assert "备用维护码" in login.message.text()
    pin_on(k, login.keypad, "582947")               # the demo's local code
    m = k.window.maintenance
    k.qtbot.waitUntil(lambda: k.screen is m, timeout=SLOW_MS)
    assert "本机备用码" in m.who.text()
    k.click(m.nav["exit"])
    assert not k.controller.maintenance.active


def test_a_slow_cameras_warning_fits_the_diagnostics(kiosk_m, monkeypatch):
    """A slow camera (or a loaded kiosk) turns the camera check into a warning: the
    technician reads it whole (it was cut to one line of two when the page was full)."""
    from devices import diagnostics
    from ui import inventory

    monkeypatch.setattr(diagnostics, "CAMERA_MIN_FPS", 1000.0)
    k = kiosk_m
    gesture(k)
    sign_in(k)
    m = k.window.maintenance
    k.qtbot.waitUntil(lambda: k.screen is m and m.checks.count() > 0, timeout=SLOW_MS * 3)
    texts = [m.checks.itemAt(i).widget().text() for i in range(m.checks.count())]
    assert any("the preview will stutter" in t for t in texts), texts
    assert inventory.check(inventory.inventory(k.window, "maintenance"), large=False) == []


def cameras_open_at_once(monkeypatch) -> dict:
    """A kiosk has one camera (a second open of a V4L2 device is refused as busy): count
    how many of the demo's cameras are open at the same time (``most``)."""
    import threading

    import devices.camera.scene as testing

    lock, seen = threading.Lock(), {"open": 0, "most": 0}
    make = testing.synthetic_camera

    def counted(*args, **kwargs):
        camera = make(*args, **kwargs)
        real_open, real_close = camera.open, camera.close

        def opened():
            was = camera.is_open
            real_open()
            if not was:
                with lock:
                    seen["open"] += 1
                    seen["most"] = max(seen["most"], seen["open"])

        def closed():
            was = camera.is_open
            real_close()
            if was:
                with lock:
                    seen["open"] -= 1

        camera.open, camera.close = opened, closed
        return camera

    monkeypatch.setattr(testing, "synthetic_camera", counted)
    return seen


def test_camera_preview_and_speech_test(kiosk_m, tmp_path, monkeypatch):
    from ui.speech import Speaker

    k = kiosk_m
    cameras = cameras_open_at_once(monkeypatch)
    k.controller.speaker = Speaker(output_dir=tmp_path, enabled=False)   # speech off: still tested
    gesture(k)
    sign_in(k)
    m = k.window.maintenance
    k.qtbot.waitUntil(lambda: k.screen is m and m.page == "diagnostics", timeout=SLOW_MS)
    # the diagnostics check the camera by themselves: the preview waits until they are done
    assert m.camera_button.isVisible()
    assert m.camera_button.isEnabled() == (m.checks.count() > 0)
    k.qtbot.waitUntil(lambda: m.checks.count() > 0 and m.camera_button.isEnabled(),
                      timeout=SLOW_MS * 3)
    k.click(m.camera_button)
    k.qtbot.waitUntil(lambda: m.camera_view.has_picture and "帧/秒" in m.camera_info.text()
                      and not m.camera_info.text().startswith("…"), timeout=SLOW_MS)
    fps = float(m.camera_info.text().split(" ")[0])
    assert fps >= 10                                 # the demo camera gives 30 frames/s
    k.demo.last_camera.unplug()                      # pulled during the preview: said, not hung
    k.qtbot.waitUntil(lambda: not m.camera_view.isVisible(), timeout=WAIT_MS)
    assert "摄像头" in m.message.text()
    # plugged back in: a preview still running when the checks are asked for again ends first
    k.click(m.camera_button)
    k.qtbot.waitUntil(lambda: m.camera_view.has_picture, timeout=SLOW_MS)
    k.click(m.rerun_button)
    assert not m.camera_view.isVisible() and not m.camera_button.isEnabled()
    k.qtbot.waitUntil(lambda: m.camera_button.isEnabled(), timeout=SLOW_MS * 3)
    k.click(m.speech_button)
    k.qtbot.waitUntil(lambda: k.controller.speaker.last_output is not None, timeout=SLOW_MS)
    k.click(m.nav["exit"])
    actions = [s.get("action") for r in maintenance_rows(k) for s in r.steps
               if s["step"] == "action"]
    assert "camera_preview" in actions and "speech_test" in actions
    assert cameras["most"] == 1 and cameras["open"] == 0     # one user at a time, released
