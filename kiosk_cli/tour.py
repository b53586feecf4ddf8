"""``kiosk tour OUTDIR``: every service through every screen and state, as PNGs and an inventory.

The tour builds the real kiosk (``ui.app.build_app``) on the in-process
emulated reader and the embedded reference back office (``kiosk_cli.demo_kiosk``),
offscreen at 1920 × 1080, and drives it like a citizen: it taps the same
buttons, types on the same keypads and keyboards, inserts and pulls the
software cards. At every screen it writes ``OUTDIR/NN-<id>.png`` and adds the
screen to ``OUTDIR/inventory.json`` (``ui.inventory``: every visible widget
with its class, text, accessible name, role, font size, geometry, whether it
takes input), with the violations of the size and naming rules found on it.
It counts the taps of each service (PIN digits and typed characters apart).

``--locale zh_CN|en``, ``--large-font`` and ``--high-contrast`` choose the mode.
Exit 0 when every scene ran and no screen breaks a rule, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

WAIT_S = 10.0
PINS = {"ordinary": "802413", "blocked": "590317", "initial_pin": "123456"}
NEW_PIN = "135790"
WEAK_PIN = "111111"


class TourFailed(RuntimeError):
    pass


class Tourist:
    """Drives the kiosk window from inside the Qt event loop's thread (no pytest)."""

    def __init__(self, outdir: Path, *, large: bool, high_contrast: bool, locale: str,
                 jurisdiction: str = "hubei", readers=None, slot=None, shots: bool = True,
                 office=None):
        """``readers`` (a ReaderBackend that is also a CardWatcher, or a pair
        ``(backend, watcher)``) and ``slot`` (``insert(card)``, ``remove()``) put the
        cards in; by default the in-process emulated reader. ``shots=False``
        walks the services without writing pictures (benchmarks); ``office`` a back office
        running elsewhere (see :class:`~ui.demo_kiosk.DemoKiosk`)."""
        self.outdir = outdir
        self.large = large
        self.high_contrast = high_contrast
        self.locale = locale
        self.jurisdiction = jurisdiction
        self.screens: list[dict] = []
        self.violations: list[str] = []
        self.taps: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        self.outcomes: dict[str, str] = {}
        self._service: str | None = None
        self._n = 0
        self._readers = readers
        self._slot = slot
        self.shots = shots
        self._office = office

    # --- set-up -------------------------------------------------------------------------
    def start(self) -> None:
        from devices.card.emulator.inprocess import EmulatedReaders

        from ui import theme as themes
        from ui.app import build_app, ensure_application
        from ui.controller import UiSettings
        from .demo_kiosk import DemoKiosk

        self.app = ensure_application()
        self.demo = DemoKiosk(self.jurisdiction, connect_timeout=0.5, max_attempts=1,
                              office=self._office).start()
        if self._readers is None:
            self.readers = EmulatedReaders()
            backend = watcher = self.readers
        elif isinstance(self._readers, tuple):
            backend, watcher = self._readers
        else:
            backend = watcher = self._readers
        self.demo.enable_maintenance(backend)
        settings = UiSettings(result_seconds=600, idle_seconds=600, idle_warning_seconds=30,
                              read_timeout_s=10, command_timeout_s=10, photo_hold_s=0.5)
        self.window = build_app(backend, watcher, self.demo.hsm, settings=settings,
                                theme=themes.theme_for(self.large, self.high_contrast),
                                services=self.demo.services, language=self.locale)
        self.window.resize(1920, 1080)
        self.window.show()
        self.pump(0.2)

    def stop(self) -> None:
        from ui.app import teardown

        teardown(self.window)
        self.window.close()
        self.window.deleteLater()
        self.pump(0.05)
        self.demo.stop()

    # --- the event loop ---------------------------------------------------------------------
    def pump(self, seconds: float = 0.0) -> None:
        """Run the event loop for ``seconds`` (at least one pass), as ``app.exec()`` would:
        with its deferred deletions, which ``processEvents`` alone never runs (a screen's
        old buttons, ``deleteLater``-ed, would pile up over a soak's sessions)."""
        from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop

        end = time.monotonic() + seconds
        while True:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            if time.monotonic() >= end:
                break
            time.sleep(0.005)

    def wait(self, what: str, pred: Callable[[], bool], timeout: float = WAIT_S) -> None:
        end = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > end:
                raise TourFailed(f"waited {timeout:.0f} s for {what}; on screen: "
                                 f"{self.window.current_screen().objectName() or type(self.window.current_screen()).__name__}")
            self.pump(0.02)
        self.pump(0.05)

    def on(self, name: str, pred: Callable[[], bool] | None = None) -> None:
        screen = getattr(self.window, name)
        self.wait(name, lambda: self.window.current_screen() is screen and (pred is None or pred()))

    # --- touches --------------------------------------------------------------------------------
    def tap(self, button, *, key: bool = False) -> None:
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        if not (button.isVisible() and button.isEnabled()):
            raise TourFailed(f"button {button.objectName()!r} is not there to tap")
        if self._service:
            counter = self.keys if key else self.taps
            counter[self._service] = counter.get(self._service, 0) + 1
        QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(button.width() // 2,
                                                                        button.height() // 2))
        self.pump(0.02)

    def choose(self, key: str) -> None:
        self.tap(self.window.current_screen().buttons[key])

    def pin(self, digits: str) -> None:
        keypad = self.window.pin.keypad
        for d in digits:
            self.tap(keypad.digit_button(d), key=True)
        if not keypad.auto_submit:
            self.tap(keypad.confirm_button)

    def digits(self, pad, text: str, *, confirm: bool) -> None:
        for ch in text:
            self.tap(pad.keys[ch], key=True)
        if confirm:
            self.tap(pad.confirm_button)

    def type_chinese(self, keyboard, pinyin: str, pick: str) -> None:
        """Type ``pinyin`` on the pinyin keyboard and tap the candidate ``pick``."""
        for ch in pinyin:
            self.tap(keyboard.letter_button(ch), key=True)
        self.pump(0.05)
        for _ in range(30):
            for b in keyboard.candidate_buttons():
                if b.isVisible() and b.text() == pick:
                    self.tap(b, key=True)
                    return
            nxt = getattr(keyboard, "next_button", None)
            if nxt is None or not nxt.isEnabled():
                break
            self.tap(nxt, key=True)
        raise TourFailed(f"no candidate {pick!r} for {pinyin!r}")

    def sms(self) -> str:
        self.wait("an SMS code", lambda: self.demo.last_sms_code() is not None)
        return self.demo.last_sms_code()

    def enter_sms(self) -> None:
        self.on("code")
        code = self.sms()
        self.digits(self.window.code.pad, code, confirm=not self.window.code.pad.auto_submit)

    # --- cards -----------------------------------------------------------------------------------
    def insert(self, profile: str, *, home: bool = True) -> None:
        from devices.card.emulator.card import SoftCard
        from devices.card.emulator.inprocess import DEFAULT_READER
        from devices.card.emulator.profile import demo_profiles, load_profile

        card = SoftCard(load_profile(demo_profiles()[profile]), state_path=None)
        if self._slot is not None:
            self._slot.insert(card)
        else:
            self.readers.insert(DEFAULT_READER, card)
        if home:
            self.on("home")

    def pull(self) -> None:
        from devices.card.emulator.inprocess import DEFAULT_READER

        if self._slot is not None:
            self._slot.remove()
        else:
            self.readers.remove(DEFAULT_READER)
        self.on("attract")

    # --- steps every service shares ------------------------------------------------------------
    def card_service(self, profile: str, service: str, pin: str | None = None) -> None:
        """Insert the card, tap the service's tile, and type the card's PIN when one is given."""
        self.insert(profile)
        self.begin(service)
        self.tap(self.window.home.service_buttons[service])
        if pin is not None:
            self.on("pin")
            self.pin(pin)

    def set_new_pin(self, pin: str = NEW_PIN) -> None:
        """The new PIN, then the same again."""
        self.on("pin", lambda: self.window.pin.step == "new")
        self.pin(pin)
        self.on("pin", lambda: self.window.pin.step == "confirm")
        self.pin(pin)

    def finish(self, shot_id: str | None = None) -> None:
        """The result is on screen: record it, picture it, take the card back."""
        self.on("result")
        self.end()
        if shot_id:
            self.shot(shot_id)
        self.pull()

    def begin(self, service: str) -> None:
        self._service = service
        self.taps[service] = 0
        self.keys[service] = 0

    def end(self) -> None:
        """The service's result is on screen: record its kind (success, error, info)."""
        if self._service and self.window.current_screen() is self.window.result:
            self.outcomes[self._service] = self.window.result.kind
        elif self._service:
            self.outcomes[self._service] = type(self.window.current_screen()).__name__
        self._service = None

    # --- pictures ----------------------------------------------------------------------------------
    def shot(self, screen_id: str) -> None:
        from ui.inventory import check, inventory, write_png

        self.pump(0.05)
        if not self.shots:
            return
        self._n += 1
        name = f"{self._n:02d}-{screen_id}"
        write_png(self.window, self.outdir / f"{name}.png")
        inv = inventory(self.window, screen_id)
        inv["png"] = f"{name}.png"
        from ui import theme as themes

        problems = check(inv, large=themes.current().large)   # maintenance is never large
        inv["violations"] = problems
        self.screens.append(inv)
        self.violations.extend(f"{screen_id}: {p}" for p in problems)

    def write(self) -> None:
        data = {"locale": self.locale, "large_font": self.large, "high_contrast": self.high_contrast,
                "jurisdiction": self.jurisdiction, "size": [1920, 1080],
                "taps": self.taps, "keystrokes": self.keys, "outcomes": self.outcomes,
                "screens": self.screens,
                "violations": self.violations}
        (self.outdir / "inventory.json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                                    encoding="utf-8")


# --- the scenes --------------------------------------------------------------------------------------

def scene_attract(t: Tourist) -> None:
    t.on("attract")
    t.shot("attract")


def scene_pin_change(t: Tourist) -> None:
    t.insert("ordinary")
    t.shot("home")
    t.begin("pin_change")
    t.tap(t.window.home.service_buttons["pin_change"])
    t.on("pin")
    t.shot("pin_change_current")
    t.pin("975310")
    t.on("pin", lambda: t.window.pin.message.isVisible())
    t.shot("pin_change_wrong_pin")
    t.pin(PINS["ordinary"])
    t.on("pin", lambda: t.window.pin.step == "new")
    t.shot("pin_change_new")
    t.pin(WEAK_PIN)
    t.on("pin", lambda: t.window.pin.step == "new" and t.window.pin.message.isVisible())
    t.shot("pin_change_weak_pin")
    t.pin(NEW_PIN)
    t.on("pin", lambda: t.window.pin.step == "confirm")
    t.shot("pin_change_confirm")
    t.pin(NEW_PIN)
    t.finish("pin_change_done")


def scene_pin_reset(t: Tourist) -> None:
    t.card_service("ordinary", "pin_reset")
    t.on("choice")
    t.shot("identity_method")
    t.choose("sms")
    t.on("code")
    t.shot("sms_code")
    t.digits(t.window.code.pad, "000000", confirm=not t.window.code.pad.auto_submit)
    t.on("code", lambda: t.window.code.message.isVisible())
    t.shot("sms_code_wrong")
    t.enter_sms()
    t.on("pin", lambda: t.window.pin.step == "new")
    t.shot("pin_reset_new")
    t.set_new_pin()
    t.finish("pin_reset_done")


def scene_pin_unblock(t: Tourist) -> None:
    t.card_service("blocked", "pin_unblock")
    t.on("choice")
    t.choose("sms")
    t.enter_sms()
    t.on("pin", lambda: t.window.pin.step == "remembered")
    t.shot("pin_unblock_remembered")
    t.pin(PINS["blocked"])
    t.finish("pin_unblock_done")


def scene_face_check(t: Tourist) -> None:
    """The PIN reset with the face check: the live picture, then the new PIN."""
    settings = t.window.controller.settings
    hold, settings.photo_hold_s = settings.photo_hold_s, 3600
    t.card_service("ordinary", "pin_reset")
    t.on("choice")
    t.choose("face")
    t.on("photo")
    t.wait("the live picture", lambda: t.window.photo.view.has_picture
           and t.window.photo.view._face is not None)
    t.shot("face_check_live")
    settings.photo_hold_s = hold
    t.tap(t.window.photo.cancel_button)     # (the preview with its hold is not restarted)
    t.on("home")
    t.tap(t.window.home.service_buttons["pin_reset"])
    t.on("choice")
    t.choose("face")
    t.on("pin", lambda: t.window.pin.step == "new")
    t.set_new_pin()
    t.finish()


def _identity(t: Tourist, ssn: str, pinyin_name: list[tuple[str, str]]) -> None:
    ident = t.window.identity
    t.digits(ident.pad, ssn, confirm=False)
    t.on("identity", lambda: ident.stack.currentWidget() is ident.keyboard)
    for py, pick in pinyin_name:
        t.type_chinese(ident.keyboard, py, pick)


def scene_loss_report(t: Tourist) -> None:
    t.on("attract")
    t.begin("loss_report")
    t.tap(t.window.attract.lost_button)
    t.on("identity")
    t.shot("identity_empty")
    _identity(t, "420106198503124515", [("chen", "陈"), ("si", "思"), ("yuan", "远")])
    t.tap(t.window.identity.next_button)
    t.on("identity", lambda: t.window.identity.message.isVisible())
    t.shot("identity_invalid_number")
    ident = t.window.identity
    t.tap(ident.ssn_button)
    t.tap(ident.pad.backspace_button, key=True)
    t.digits(ident.pad, "4", confirm=False)
    t.tap(ident.next_button)
    t.enter_sms()
    t.on("choice")
    t.shot("loss_kind")
    t.choose("temporary")
    t.on("confirm")
    t.shot("loss_confirm")
    t.choose("confirm")
    t.on("result")
    t.end()
    t.shot("loss_reported")
    t.tap(t.window.result.done_button)
    t.on("attract")


def scene_loss_lift(t: Tourist) -> None:
    t.card_service("ordinary", "lift_loss", PINS["ordinary"])
    t.on("confirm")
    t.shot("lift_confirm")
    t.choose("confirm")
    t.finish("lift_done")


def scene_card_status(t: Tourist) -> None:
    from backoffice.demo_data import for_stage

    person = for_stage(t.jurisdiction, "card_manufactured")
    t.on("attract")
    t.begin("card_status")
    t.tap(t.window.attract.status_button)
    t.on("identity")
    # 刘思琪: typed syllable by syllable on the pinyin keyboard
    _identity(t, person.ssn, [("liu", "刘"), ("si", "思"), ("qi", "琪")])
    t.shot("identity_typed")
    t.tap(t.window.identity.next_button)
    t.enter_sms()
    t.on("status")
    t.end()
    t.shot("status_timeline")
    t.tap(t.window.status.done_button)
    t.on("result")
    t.tap(t.window.result.done_button)
    t.on("attract")


def scene_profile(t: Tourist) -> None:
    t.card_service("ordinary", "profile_change", PINS["ordinary"])
    t.on("profile")
    t.shot("profile")
    t.tap(t.window.profile.edit_buttons["phone"])
    t.on("code")
    t.digits(t.window.code.pad, "1390027", confirm=False)
    t.shot("profile_phone")
    t.digits(t.window.code.pad, "0999", confirm=True)
    t.on("profile")
    t.tap(t.window.profile.edit_buttons["address"])
    t.on("text_entry")
    t.tap(t.window.text_entry.keyboard.clear_button, key=True)
    t.shot("profile_address_keyboard")
    t.tap(t.window.text_entry.region_button)
    t.pump(0.1)
    t.shot("profile_address_region")
    t.tap(t.window.text_entry.cancel_button)
    t.on("profile")
    if "ethnicity" in t.window.profile.edit_buttons:
        t.tap(t.window.profile.edit_buttons["ethnicity"])
        t.on("picker")
        t.shot("profile_ethnicity")
        t.tap(t.window.picker.cancel_button)
        t.on("profile")
    if "id_valid_until" in t.window.profile.edit_buttons:
        t.tap(t.window.profile.edit_buttons["id_valid_until"])
        t.on("picker")
        t.shot("profile_id_valid_until")
        t.tap(t.window.picker.cancel_button)
        t.on("profile")
    t.tap(t.window.profile.review_button)
    t.on("confirm")
    t.shot("profile_confirm")
    t.choose("confirm")
    t.finish("profile_done")


def scene_renewal(t: Tourist) -> None:
    settings = t.window.controller.settings
    hold = settings.photo_hold_s
    t.card_service("ordinary", "renewal", PINS["ordinary"])
    t.on("choice")
    t.shot("renewal_reason")
    # the live picture with its guidance (held: no capture); then the camera's cable is pulled
    settings.photo_hold_s = 3600
    t.choose("damaged")
    t.on("photo")
    t.wait("the live picture", lambda: t.window.photo.view.has_picture
           and t.window.photo.view._face is not None)
    t.shot("renewal_photo_live")
    t.demo.last_camera.unplug()
    t.wait("the camera's failure", lambda: t.window.photo.mode == "failed")
    t.shot("renewal_camera_failed")
    # plugged back in: try again, the photo is taken by itself
    settings.photo_hold_s = hold
    t.tap(t.window.photo.retry_button)
    t.wait("the photo", lambda: t.window.photo.use_button.isVisible())
    t.shot("renewal_photo_review")
    t.tap(t.window.photo.use_button)
    t.on("confirm")
    t.shot("renewal_delivery")
    t.choose("pickup")
    t.finish("renewal_done")


def scene_errors(t: Tourist) -> None:
    # a card this kiosk does not serve
    t.insert("des_card", home=False)
    t.on("result")
    t.shot("error_card_not_served")
    t.pull()
    # the back office down while reading the card
    t.demo.set_offline(True)
    t.insert("ordinary", home=False)
    t.on("result")
    t.shot("error_backoffice_down")
    t.pull()
    t.demo.set_offline(False)
    # idle: the warning with "I need more time"
    t.insert("ordinary")
    t.window.controller._on_idle()
    t.pump(0.1)
    t.shot("idle_warning")
    t.tap(t.window.idle_warning.more_button)
    # call staff
    t.tap(t.window.home.header.staff_button)
    t.pump(0.1)
    t.shot("staff_called")
    t.tap(t.window.notice.ok_button)
    # a refusal with its article: lifting the loss of a card that is not lost
    t.tap(t.window.home.service_buttons["lift_loss"])
    t.on("pin")
    t.pin(PINS["ordinary"])
    t.on("result")
    t.shot("refused_card_not_lost")
    t.pull()


def scene_maintenance(t: Tourist) -> None:
    """The technician's screens: sign-in, diagnostics, settings, logs (the gesture itself is
    tested in tests/ui/test_maintenance_mode.py)."""
    mode = t.window.controller.maintenance
    mode.open()
    login = t.window.maintenance_login
    t.on("maintenance_login")
    t.shot("maintenance_login")
    account, pin, code = t.demo.technician_code()
    t.digits(login.pad, account[1:], confirm=True)
    t.on("maintenance_login", lambda: login.step == "pin")
    for d in pin:
        t.tap(login.keypad.digit_button(d), key=True)
    t.on("maintenance_login", lambda: login.step == "otp")
    t.digits(login.pad, code, confirm=False)
    m = t.window.maintenance
    t.on("maintenance", lambda: m.checks.count() > 0)
    t.shot("maintenance_diagnostics")
    t.tap(m.nav["settings"])
    t.wait("the settings", lambda: bool(getattr(m, "setting_buttons", None)))
    t.shot("maintenance_settings")
    t.tap(m.nav["logs"])
    t.shot("maintenance_logs")
    t.tap(m.nav["exit"])
    t.on("attract")


# --- the shortest path of every service (taps per service) -------------------------------------------
# One citizen session each, from the card (or "I lost my card") to the result and the card
# back: :func:`shortest_paths` counts their taps, bench/soak.py runs them thousands of times.

def _card_session(t: Tourist, profile: str, service: str, pin: str | None,
                  after: Callable[[], None]) -> None:
    t.card_service(profile, service, pin)
    after()
    if t.window.current_screen() is t.window.built("status"):
        t.end()
        t.pull()
    else:
        t.finish()


def _by_sms(t: Tourist) -> None:
    t.on("choice")
    t.choose("sms")
    t.enter_sms()


def session_pin_change(t: Tourist) -> None:
    _card_session(t, "ordinary", "pin_change", PINS["ordinary"], t.set_new_pin)


def session_pin_reset(t: Tourist) -> None:
    """The PIN reset with an SMS code."""
    def new_pin() -> None:
        _by_sms(t)
        t.set_new_pin()

    _card_session(t, "ordinary", "pin_reset", None, new_pin)


def session_pin_unblock(t: Tourist) -> None:
    def unblock() -> None:
        _by_sms(t)
        t.on("pin", lambda: t.window.pin.step == "remembered")
        t.pin(PINS["blocked"])

    _card_session(t, "blocked", "pin_unblock", None, unblock)


def _no_card_session(t: Tourist, service: str, button, ssn: str, name: list[tuple[str, str]],
                     after: Callable[[], None]) -> None:
    """A service without the card: the ID number and the name typed in pinyin, an SMS code."""
    t.on("attract")
    t.begin(service)
    t.tap(button)
    t.on("identity")
    _identity(t, ssn, name)
    t.tap(t.window.identity.next_button)
    t.enter_sms()
    after()
    t.end()
    if t.window.current_screen() is t.window.built("status"):
        t.tap(t.window.status.done_button)
        t.on("result")
    if t.window.current_screen() is t.window.result:
        t.tap(t.window.result.done_button)
    t.on("attract")


def session_loss_report(t: Tourist) -> None:
    """A temporary loss of the ordinary card's holder (陈思远), without the card."""
    def report() -> None:
        t.on("choice")
        t.choose("temporary")
        t.on("confirm")
        t.choose("confirm")
        t.on("result")

    _no_card_session(t, "loss_report", t.window.attract.lost_button, "420106198503124514",
                     [("chen", "陈"), ("si", "思"), ("yuan", "远")], report)


def session_lift_loss(t: Tourist) -> None:
    """Lifting the loss :func:`session_loss_report` reported."""
    def lift() -> None:
        t.on("confirm")
        t.choose("confirm")

    _card_session(t, "ordinary", "lift_loss", PINS["ordinary"], lift)


def session_status_without_card(t: Tourist) -> None:
    from backoffice.demo_data import for_stage

    person = for_stage(t.jurisdiction, "card_manufactured")
    _no_card_session(t, "card_status_without_card", t.window.attract.status_button, person.ssn,
                     [("liu", "刘"), ("si", "思"), ("qi", "琪")], lambda: t.on("status"))


def session_status_with_card(t: Tourist) -> None:
    _card_session(t, "ordinary", "card_status", PINS["ordinary"], lambda: t.on("status"))


def session_renewal(t: Tourist) -> None:
    """A renewal with the photo the synthetic camera takes, picked up at the outlet."""
    def renew() -> None:
        t.on("choice")
        t.choose("damaged")
        t.on("photo")
        t.wait("the photo", lambda: t.window.photo.use_button.isVisible())
        t.tap(t.window.photo.use_button)
        t.on("confirm")
        t.choose("pickup")

    _card_session(t, "ordinary", "renewal", PINS["ordinary"], renew)


def session_profile(t: Tourist, phone: str = "13900270999") -> None:
    """A new mobile number (typed on the code pad), reviewed and confirmed."""
    def profile() -> None:
        t.on("profile")
        t.tap(t.window.profile.edit_buttons["phone"])
        t.on("code")
        t.digits(t.window.code.pad, phone, confirm=True)
        t.on("profile")
        t.tap(t.window.profile.review_button)
        t.on("confirm")
        t.choose("confirm")

    _card_session(t, "ordinary", "profile_change", PINS["ordinary"], profile)


#: every service once, in an order each can run after the one before (the loss is reported
#: before it is lifted, the card is not lost when it is renewed)
SHORTEST_SESSIONS = (session_pin_change, session_pin_reset, session_pin_unblock,
                     session_loss_report, session_lift_loss, session_status_without_card,
                     session_status_with_card, session_renewal, session_profile)


def shortest_paths(t: Tourist) -> dict[str, int]:
    """Every service on its shortest path from the card (or "I lost my card") to its result.

    Taps are touches of buttons; PIN digits, SMS and ID digits and the letters
    and candidates of the keyboard are counted apart (``t.keys``). The loss is
    reported first (and not counted) so that lifting it has a lost card.
    """
    for session in SHORTEST_SESSIONS:
        session(t)
    return dict(t.taps)


def count_taps(*, locale: str = "zh_CN", large: bool = False) -> Tourist:
    """Run :func:`shortest_paths` on a fresh kiosk (no pictures); the Tourist has
    ``taps``, ``keys`` and ``outcomes``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ssc-taps-") as tmp:
        t = Tourist(Path(tmp), large=large, high_contrast=False, locale=locale, shots=False)
        t.start()
        try:
            shortest_paths(t)
        finally:
            t.stop()
    return t


SCENES = [scene_attract, scene_pin_change, scene_pin_reset, scene_face_check, scene_pin_unblock,
          scene_loss_report,
          scene_loss_lift, scene_card_status, scene_profile, scene_renewal, scene_errors,
          scene_maintenance]


def run_tour(outdir: Path, *, locale: str = "zh_CN", large: bool = False,
             high_contrast: bool = False, readers=None, slot=None) -> Tourist:
    outdir.mkdir(parents=True, exist_ok=True)
    t = Tourist(outdir, large=large, high_contrast=high_contrast, locale=locale,
                readers=readers, slot=slot)
    t.start()
    try:
        for scene in SCENES:
            log.info("tour: %s", scene.__name__)
            scene(t)
    finally:
        t.write()
        t.stop()
    return t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kiosk tour", description=__doc__.splitlines()[0])
    p.add_argument("outdir", type=Path)
    p.add_argument("--locale", default="zh_CN", choices=["zh_CN", "en"])
    p.add_argument("--large-font", action="store_true")
    p.add_argument("--high-contrast", action="store_true")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    logging.basicConfig(level=logging.ERROR)
    try:
        t = run_tour(args.outdir, locale=args.locale, large=args.large_font,
                     high_contrast=args.high_contrast)
    except TourFailed as exc:
        print(f"kiosk tour: {exc}", file=sys.stderr)
        return 1
    print(f"{len(t.screens)} screens written to {args.outdir} "
          f"({len(t.violations)} rule violations)")
    for v in t.violations:
        print("  " + v)
    print("taps per service on the tour's paths (with their error detours; bench/ui.py counts "
          "the shortest): " + json.dumps(t.taps, ensure_ascii=False))
    return 1 if t.violations else 0


if __name__ == "__main__":
    sys.exit(main())
