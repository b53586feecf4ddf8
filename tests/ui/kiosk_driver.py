"""Drives the kiosk window like a citizen: insert a card, touch the keypad, pull the card."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from devices.card.emulator.card import SoftCard
from devices.card.emulator.inprocess import DEFAULT_READER, EmulatedReaders
from devices.card.emulator.profile import demo_profiles, load_profile
from devices.card.trace import TRACE

WAIT_MS = 5000


def make_readers() -> EmulatedReaders:
    """The in-process emulated reader (ReaderBackend + CardWatcher)."""
    return EmulatedReaders()


def soft_card(profile: str) -> SoftCard:
    return SoftCard(load_profile(demo_profiles()[profile]), state_path=None)


class KioskDriver:
    def __init__(self, qtbot, readers, hsm, settings, *, services=None, demo=None, **build):
        from ui.app import build_app

        self.qtbot = qtbot
        self.readers = readers
        self.demo = demo
        self.window = build_app(readers, readers, hsm, settings=settings, services=services,
                                **build)
        self.window.resize(1920, 1080)
        self.window.show()
        qtbot.waitExposed(self.window)
        self._attach()

    @classmethod
    def on_window(cls, qtbot, window, readers) -> "KioskDriver":
        """A driver for a window built and shown elsewhere (the production assembly)."""
        driver = cls.__new__(cls)
        driver.qtbot, driver.readers, driver.demo, driver.window = qtbot, readers, None, window
        driver._attach()
        return driver

    def _attach(self) -> None:
        self.controller = self.window.controller
        self.card: SoftCard | None = None
        self.submitted = []          # every Pin the keypad handed over
        self.window.pin.keypad.submitted.connect(self.submitted.append)

    # --- cards ------------------------------------------------------------------
    def insert(self, profile: str | SoftCard = "ordinary", *, wait_home: bool = True) -> SoftCard:
        card = soft_card(profile) if isinstance(profile, str) else profile
        self.card = card
        self.readers.insert(DEFAULT_READER, card)
        if wait_home:
            self.wait_for(self.window.home)
        return card

    def remove(self) -> None:
        self.readers.remove(DEFAULT_READER)

    # --- screens ----------------------------------------------------------------
    @property
    def screen(self) -> QWidget:
        return self.window.current_screen()

    def wait_for(self, screen: QWidget, timeout: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(lambda: self.screen is screen, timeout=timeout)

    def wait_pin_step(self, step: str, timeout: int = WAIT_MS) -> None:
        pin = self.window.pin
        self.qtbot.waitUntil(lambda: self.screen is pin and pin.step == step, timeout=timeout)

    def pin_message(self) -> str:
        m = self.window.pin.message
        return m.text() if m.isVisibleTo(self.window.pin) else ""

    # --- touches ------------------------------------------------------------------
    def click(self, button: QAbstractButton) -> None:
        assert button.isVisible() and button.isEnabled(), button.objectName()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(button.width() // 2,
                                                                            button.height() // 2))

    def type_digits(self, digits: str) -> None:
        keypad = self.window.pin.keypad
        for d in digits:
            self.click(keypad.digit_button(d))

    def enter_pin(self, digits: str) -> None:
        """Type a PIN; tap 确认 unless the keypad hands it over at the sixth digit."""
        keypad = self.window.pin.keypad
        auto = keypad.auto_submit
        self.type_digits(digits)
        if not (auto and len(digits) == 6):
            self.click(keypad.confirm_button)

    def start_pin_change(self) -> None:
        self.click(self.window.home.change_pin_button)
        self.wait_pin_step("current")

    def start(self, service: str) -> None:
        """Tap a service tile of the home screen."""
        self.click(self.window.home.service_buttons[service])

    def wait_screen(self, name: str, timeout: int = WAIT_MS) -> QWidget:
        screen = getattr(self.window, name)
        self.qtbot.waitUntil(lambda: self.screen is screen, timeout=timeout)
        return screen

    def choose(self, key: str) -> None:
        """Tap the option ``key`` on the current choice, confirm, code or photo screen."""
        self.click(self.screen.buttons[key])

    def sms_code(self) -> str:
        code = self.demo.last_sms_code()
        assert code, "no SMS was sent"
        return code

    def type_code(self, code: str) -> None:
        pad = self.window.code.pad
        for d in code:
            self.click(pad.keys[d])

    # --- what is on screen ------------------------------------------------------------
    def visible_texts(self) -> list[str]:
        out = []
        for w in self.screen.findChildren(QWidget):
            if not w.isVisibleTo(self.window):
                continue
            if isinstance(w, (QLabel, QAbstractButton)):
                out.append(w.text())
            if w.accessibleName():
                out.append(w.accessibleName())
        return out

    def all_texts(self) -> str:
        return "\n".join(self.visible_texts())

    # --- clean-up -------------------------------------------------------------------------
    def close(self) -> None:
        from ui.app import teardown

        teardown(self.window)
        assert not self.controller.worker._thread.isRunning()
        self.window.close()
        self.window.deleteLater()
        QApplication.processEvents()


def trace_commands() -> list[str]:
    """The redacted commands of the APDU trace (hex, CLA INS first)."""
    return [e.command.replace(" ", "") for e in TRACE.entries()]



# --- a citizen, counted (tests/ui/test_services.py, tests/ui/test_interruptions.py) ------------

class Citizen:
    """Drives a :class:`KioskDriver` like ``kiosk_cli/tour.py`` does, counting what the citizen does.

    ``taps`` counts buttons (a service tile, an option, 下一步, 确认...); ``keys`` counts
    typed characters (ID number digits, pinyin letters and candidates, SMS and phone
    digits); PIN digits are counted in neither. ``sms_seen`` is how many SMS the back
    office had sent when the last code was typed, so :meth:`sms` waits for a new one.
    """

    def __init__(self, driver: KioskDriver):
        self.k = driver
        self.taps = 0
        self.keys = 0
        self.sms_seen = 0

    @property
    def window(self):
        return self.k.window

    @property
    def screen(self) -> QWidget:
        return self.k.screen

    def reset_counts(self) -> None:
        self.taps = self.keys = 0

    # --- waiting ---------------------------------------------------------------------
    def wait(self, name: str, pred=None, timeout: int = WAIT_MS) -> QWidget:
        """Wait for the window's screen ``name`` (and ``pred()``); re-read after a theme switch."""
        def ready() -> bool:
            screen = getattr(self.window, name)
            return self.k.screen is screen and (pred is None or bool(pred()))

        self.k.qtbot.waitUntil(ready, timeout=timeout)
        return getattr(self.window, name)

    def wait_pin(self, step: str, timeout: int = WAIT_MS) -> None:
        self.wait("pin", lambda: self.window.pin.step == step, timeout)

    # --- touches -----------------------------------------------------------------------
    def tap(self, button: QAbstractButton) -> None:
        self.taps += 1
        self.k.click(button)

    def key(self, button: QAbstractButton) -> None:
        self.keys += 1
        self.k.click(button)

    def choose(self, key: str) -> None:
        self.tap(self.k.screen.buttons[key])

    def pin(self, digits: str) -> None:
        """A PIN on the PIN keypad: digits are not counted; a 确认 tap (no auto-submit) is."""
        keypad = self.window.pin.keypad
        for d in digits:
            self.k.click(keypad.digit_button(d))
        if not (keypad.auto_submit and len(digits) == 6):
            self.tap(keypad.confirm_button)

    def pad(self, pad, text: str, *, confirm: bool = False) -> None:
        for ch in text:
            self.key(pad.keys[ch])
        if confirm:
            self.tap(pad.confirm_button)

    def pinyin(self, keyboard, pinyin: str, pick: str) -> None:
        """Type ``pinyin`` on the pinyin keyboard and tap the candidate ``pick`` (keystrokes)."""
        for ch in pinyin:
            self.key(keyboard.letter_button(ch))
        for _ in range(30):
            for b in keyboard.candidate_buttons():
                if b.isVisible() and b.text() == pick:
                    self.key(b)
                    return
            nxt = keyboard.next_button
            if not (nxt.isVisible() and nxt.isEnabled()):
                break
            self.key(nxt)
        raise AssertionError(f"no candidate {pick!r} for {pinyin!r}")

    def identity(self, ssn: str, name: list[tuple[str, str]], *, submit: bool = True) -> None:
        """The identity screen: the ID number on the keypad, the name syllable by syllable."""
        ident = self.wait("identity")
        self.pad(ident.pad, ssn)
        self.k.qtbot.waitUntil(lambda: ident.stack.currentWidget() is ident.keyboard, timeout=WAIT_MS)
        for py, pick in name:
            self.pinyin(ident.keyboard, py, pick)
        if submit:
            self.tap(ident.next_button)

    def sms(self, timeout: int = WAIT_MS) -> str:
        """Wait for the code screen and a new SMS, type its code (auto-submitted at 6 digits)."""
        self.wait("code", timeout=timeout)
        demo = self.k.demo
        self.k.qtbot.waitUntil(lambda: len(demo.sms.sent) > self.sms_seen, timeout=timeout)
        self.sms_seen = len(demo.sms.sent)
        code = demo.last_sms_code()
        pad = self.window.code.pad
        self.pad(pad, code, confirm=not pad.auto_submit)
        return code
