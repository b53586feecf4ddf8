"""Every citizen starts fresh (issue 10, item 7).

Through the real window (offscreen, a 1920 × 1080 screen: tests/ui/conftest.py), the
emulated card and the reference back office:

- 重拍 on the photo screen, then finish: the window stays the screen's size and the next
  citizen's home screen shows 呼叫工作人员 whole (it was cut to 呼叫工 in a window grown to
  2057 px); a screen that asks for more than the screen never grows the window;
- 长辈版 + English + high contrast + speech, card in, the session times out: the window
  stays the screen's size, and the next citizen starts in Chinese, normal text, normal
  contrast, speech off (the kiosk's settings);
- a card inserted during the result countdown of a session without a card starts that
  card's session (the next screen is not 读卡口中仍有卡片).

Each test saves what the citizen sees to ``$KIOSK_SHOTS`` (default: a temporary directory).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from ui import i18n
from ui import theme as themes

from .kiosk_driver import WAIT_MS, Citizen
from .test_camera_steps import SLOW_MS, to_renewal_photo
from .test_services import ORDINARY, ORDINARY_NAME

STAFF_ZH = "呼叫工作人员"


@pytest.fixture
def settings():
    """Short countdowns: the idle warning and the result screen last a second."""
    from ui.controller import UiSettings

    return UiSettings(result_seconds=1, idle_seconds=90, idle_warning_seconds=1, read_timeout_s=10,
                      command_timeout_s=10, photo_hold_s=0.3)


@pytest.fixture
def shots(tmp_path) -> Path:
    out = Path(os.environ.get("KIOSK_SHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def c(kiosk):
    yield Citizen(kiosk)
    # whatever a failed test left switched on, the next test starts in the defaults
    from ui.app import restore_defaults

    restore_defaults(kiosk.window)


def settle(c: Citizen) -> None:
    """Let posted layout requests run (a screen just shown is laid out by the event loop)."""
    c.k.qtbot.wait(30)


def screen_size(c: Citizen):
    return c.window.screen().geometry().size()


def assert_within_screen(c: Citizen) -> None:
    settle(c)
    size, screen = c.window.size(), screen_size(c)
    assert (screen.width(), screen.height()) == (1920, 1080)
    assert size.width() <= screen.width() and size.height() <= screen.height(), \
        f"window {size.width()} × {size.height()} on a {screen.width()} × {screen.height()} screen"


def inside_window(c: Citizen, w: QWidget) -> QRect:
    """``w``'s rectangle in window coordinates, after checking it lies inside the window
    and inside the screen."""
    top_left = w.mapTo(c.window, QPoint(0, 0))
    r = QRect(top_left, w.size())
    assert c.window.rect().contains(r), f"{w.objectName()} at {r} outside the window"
    screen = c.window.screen().geometry()
    assert screen.contains(QRect(w.mapToGlobal(QPoint(0, 0)), w.size())), \
        f"{w.objectName()} off the screen"
    return r


def assert_staff_button_whole(c: Citizen, screen: QWidget, text: str = STAFF_ZH) -> None:
    b = screen.header.staff_button
    assert b.isVisible() and b.text() == text
    inside_window(c, b)
    # the text fits the button: its width and the style's padding (16 px a side at least)
    assert b.fontMetrics().horizontalAdvance(b.text()) + 32 <= b.width(), \
        (b.fontMetrics().horizontalAdvance(b.text()), b.width())


def assert_label_whole(c: Citizen, label) -> None:
    """Shown on screen, with every wrapped line of its text (not cut off at the bottom)."""
    inside_window(c, label)
    assert label.height() >= label.heightForWidth(label.width()), \
        (label.height(), label.heightForWidth(label.width()), label.text())


def assert_defaults(c: Citizen) -> None:
    """Chinese, normal text, normal contrast, speech off: the kiosk's settings."""
    assert i18n.current_language() == "zh_CN"
    t = themes.current()
    assert not t.large and not t.high_contrast
    assert not c.window.speech_on
    h = c.screen.header
    assert h.language_button.text() == "English"
    assert h.large_button.text() == "大字版" and h.contrast_button.text() == "高对比"
    assert h.speech_button.text() == "语音关"
    speaker = c.k.controller.speaker
    assert speaker is None or not speaker.enabled


# --- 1. the window never grows ------------------------------------------------------------------------

def test_retake_then_finish_window_stays_and_next_citizen_sees_call_staff(c, kiosk, shots):
    photo = to_renewal_photo(c)
    kiosk.qtbot.waitUntil(lambda: photo.reviewing, timeout=SLOW_MS)
    assert_within_screen(c)
    photo.grab().save(str(shots / "1-photo-review.png"))
    c.tap(photo.retake_button)                       # the live picture again
    assert_within_screen(c)
    kiosk.qtbot.waitUntil(lambda: photo.reviewing, timeout=SLOW_MS)
    assert_within_screen(c)
    assert_label_whole(c, photo.prompt)
    inside_window(c, photo.picture)
    inside_window(c, photo.use_button)
    inside_window(c, photo.retake_button)
    c.tap(photo.use_button)
    c.wait("confirm", timeout=SLOW_MS)
    c.choose("pickup")
    r = c.wait("result", timeout=SLOW_MS)
    assert (r.kind, r.code) == ("success", "RENEWAL_APPLIED")
    kiosk.remove()                                   # finished: the citizen takes the card
    c.wait("attract")
    assert_within_screen(c)

    kiosk.insert()                                   # the next citizen
    home = c.wait("home")
    assert_within_screen(c)
    c.window.grab().save(str(shots / "1-next-home.png"))
    assert_staff_button_whole(c, home)
    inside_window(c, home.finish_button)             # the main button is on the screen
    for b in home.service_buttons.values():
        inside_window(c, b)


def test_a_screen_asking_for_more_than_the_screen_does_not_grow_the_window(c, kiosk, shots):
    kiosk.insert()
    home = c.wait("home")
    home.greeting.setMinimumSize(2600, 1300)        # whatever a screen asks for
    try:
        kiosk.controller.show_home()
        assert_within_screen(c)
        assert c.window.size().toTuple() == (1920, 1080)
        c.window.grab().save(str(shots / "1-greedy-home.png"))
        assert_staff_button_whole(c, home)           # the header keeps its place
    finally:
        home.greeting.setMinimumSize(0, 0)


def test_full_screen_window_is_bounded_by_the_screen(c, kiosk):
    from ui.app import show_kiosk, teardown

    show_kiosk(kiosk.window)
    try:
        screen = screen_size(c)
        assert c.window.maximumSize() == screen
        kiosk.window.home.greeting.setMinimumWidth(2600)
        kiosk.window.resize(2600, 1300)              # not even when asked directly
        assert_within_screen(c)
    finally:
        kiosk.window.home.greeting.setMinimumWidth(0)
        teardown(kiosk.window)


# --- 2. the next citizen starts in the kiosk's defaults -------------------------------------------------

@pytest.fixture
def speaking(qtbot, demo, settings, tmp_path):
    """The kiosk with a real speaker (espeak-ng writing WAV files), speech off by default."""
    from ui.speech import Speaker

    from .kiosk_driver import KioskDriver, make_readers

    speaker = Speaker(output_dir=tmp_path)
    k = KioskDriver(qtbot, make_readers(), demo.hsm, settings, services=demo.services, demo=demo,
                    speaker=speaker)
    yield Citizen(k)
    from ui.app import restore_defaults

    restore_defaults(k.window)
    k.close()
    speaker.stop()


def test_large_english_timeout_then_next_citizen_starts_in_the_defaults(speaking, settings, shots):
    c = speaking
    k = c.k
    k.insert()
    c.wait("home")
    assert_defaults(c)
    # the citizen switches everything the header offers
    c.tap(c.window.home.header.large_button)
    c.wait("home", lambda: themes.current().large)
    c.tap(c.window.home.header.language_button)
    k.qtbot.waitUntil(lambda: c.window.home.greeting.text() == "Hello! Please choose a service.",
                      timeout=WAIT_MS)
    c.tap(c.window.home.header.contrast_button)
    c.wait("home", lambda: themes.current().high_contrast)
    c.tap(c.window.home.header.speech_button)
    assert c.window.speech_on and k.controller.speaker.enabled
    assert_within_screen(c)
    assert_staff_button_whole(c, c.window.home, "Call staff")
    c.window.grab().save(str(shots / "2-home-large-english.png"))

    # the citizen walks away with the card in: warned, timed out, the result counts down
    settings.idle_seconds = 1
    k.controller._touch()
    k.qtbot.waitUntil(c.window.idle_warning.isVisible, timeout=3000)
    assert_within_screen(c)
    c.window.grab().save(str(shots / "2-idle-warning.png"))
    r = c.wait("result", timeout=3000)
    assert r.heading.text() == "Time is up"
    assert_within_screen(c)
    assert_label_whole(c, r.heading)
    c.window.grab().save(str(shots / "2-result-timed-out.png"))

    # the countdown ends, the card is still in: the kiosk is back in its defaults
    attract = c.wait("attract", timeout=3000)
    assert k.controller.session is None
    assert_within_screen(c)
    assert_defaults(c)
    assert attract.status.text() == "读卡口中仍有卡片，请取出后重新插入。"
    assert_label_whole(c, attract.status)
    assert_staff_button_whole(c, attract)
    c.window.grab().save(str(shots / "2-attract-card-left-in.png"))

    # the same message in 长辈版 English (switched at the start screen): it fits the screen
    c.tap(attract.header.large_button)
    attract = c.wait("attract", lambda: themes.current().large)
    c.tap(attract.header.language_button)
    k.qtbot.waitUntil(lambda: c.window.attract.status.text().startswith("A card is still"),
                      timeout=WAIT_MS)
    assert_within_screen(c)
    assert_label_whole(c, attract.status)
    for b in (attract.lost_button, attract.status_button):
        inside_window(c, b)
    c.window.grab().save(str(shots / "2-attract-card-left-in-large-english.png"))

    # the citizen takes the card and goes: after the idle time without a touch the start
    # screen is back in the defaults (what one switches there stays for their own card)
    k.remove()
    k.qtbot.waitUntil(lambda: not c.window.attract.status.isVisible(), timeout=WAIT_MS)
    assert i18n.current_language() == "en" and themes.current().large
    k.qtbot.waitUntil(lambda: i18n.current_language() == "zh_CN" and not themes.current().large,
                      timeout=3000)
    c.wait("attract")
    assert_defaults(c)
    k.insert()                                       # the next citizen
    home = c.wait("home")
    assert_defaults(c)
    assert home.greeting.text() == "您好！请选择要办理的业务。"
    assert_within_screen(c)
    assert_staff_button_whole(c, home)
    inside_window(c, home.finish_button)
    c.window.grab().save(str(shots / "2-next-home.png"))
    # the journal says how the first session ended
    rows = [a for a in k.demo.services.journal.recent(20) if a.service == "kiosk_session"]
    assert any(a.outcome == "timeout" for a in rows), [a.outcome for a in rows]


def test_defaults_come_back_after_a_finished_session_too(c, kiosk):
    kiosk.insert()
    c.wait("home")
    c.tap(c.window.home.header.language_button)
    kiosk.qtbot.waitUntil(lambda: i18n.current_language() == "en", timeout=WAIT_MS)
    c.tap(c.window.home.header.large_button)
    c.wait("home", lambda: themes.current().large)
    c.tap(c.window.home.finish_button)               # 结束办理
    c.wait("result")
    kiosk.remove()                                   # card pulled on the result screen
    c.wait("attract")
    assert_defaults(c)


# --- 3. a card during the result countdown ----------------------------------------------------------------

def test_card_inserted_during_the_result_countdown_starts_its_session(c, kiosk, settings, shots):
    settings.result_seconds = 20                     # the countdown is still running
    demo = kiosk.demo
    c.tap(c.window.attract.lost_button)              # a session without the card
    c.identity(ORDINARY.ssn, ORDINARY_NAME)
    c.sms(timeout=SLOW_MS)
    c.wait("choice", timeout=SLOW_MS)
    c.choose("temporary")
    c.wait("confirm", timeout=SLOW_MS)
    c.choose("confirm")
    r = c.wait("result", timeout=SLOW_MS)
    assert (r.kind, r.code) == ("success", "LOSS_REPORTED")
    loss_session = kiosk.controller.session
    assert loss_session is not None and loss_session.finishing

    kiosk.insert(wait_home=False)                    # the next citizen's card
    c.k.qtbot.waitUntil(lambda: c.screen is not r, timeout=WAIT_MS)
    assert c.screen is not c.window.attract          # not 读卡口中仍有卡片
    home = c.wait("home", timeout=SLOW_MS)
    c.window.grab().save(str(shots / "3-home-after-countdown-card.png"))
    assert "读卡口中仍有卡片" not in kiosk.all_texts()
    s = kiosk.controller.session
    assert s is not loss_session and s.reader is not None and s.info is not None
    assert home.ssn_value.text() == ORDINARY.ssn[:4] + "*" * 10 + ORDINARY.ssn[-4:]
    # the loss report's session ended as it was (ok), the card's began with the card
    rows = [a for a in demo.services.journal.recent(20) if a.service == "kiosk_session"]
    ended = [a for a in rows if a.outcome == "ok"]
    assert ended and any(st["step"] == "service" and st.get("service") == "loss_report"
                         for a in ended for st in a.steps)
    # the card's session goes on like any other: the citizen finishes and takes the card
    c.tap(home.finish_button)
    c.wait("result")
    kiosk.remove()
    c.wait("attract")
