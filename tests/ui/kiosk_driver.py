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
    def __init__(self, qtbot, readers, hsm, settings):
        from ui.app import build_app

        self.qtbot = qtbot
        self.readers = readers
        self.window = build_app(readers, readers, hsm, settings=settings)
        self.controller = self.window.controller
        self.window.resize(1920, 1080)
        self.window.show()
        qtbot.waitExposed(self.window)
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
        self.type_digits(digits)
        self.click(self.window.pin.keypad.confirm_button)

    def start_pin_change(self) -> None:
        self.click(self.window.home.change_pin_button)
        self.wait_pin_step("current")

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

