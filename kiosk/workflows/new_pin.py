"""The PIN steps the PIN services share: one rule for a wrong PIN, one new-PIN step.

- :func:`wrong_pin_event`: the card's answer to a wrong PIN, as the event the
  tables know: ``pin_blocked`` when no try is left, else ``pin_wrong`` (the one
  place that says "0 tries left means blocked"; the screen reads the state);
- :class:`NewPinStep`: :data:`ENTER_NEW_PIN` (the new PIN is checked by
  :func:`kiosk.pin.check_new_pin`) → :data:`CONFIRM_NEW_PIN` (typed again) →
  CHANGE on the card with the current PIN (the PIN change: the one the citizen
  typed; the PIN reset: the reset PIN ``123456``). Its rows are
  :func:`new_pin_rows`; a workflow says what a card that refuses the current PIN
  means (:meth:`NewPinStep._current_pin_refused`) and which step records the
  card's effect (``NEW_PIN_STEP``).

The PINs are wiped on every path: when the step ends, on a mismatch, and in the
workflow's cleanup (:meth:`NewPinStep._wipe_pins`).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from kiosk.errors import KioskError, PinBlocked, WeakPin, WrongPin
from kiosk.pin import Pin, check_new_pin

from .card_effect import PIN_CHANGED as CARD_PIN_CHANGED
from .ports import PinCard

ENTER_NEW_PIN = "EnterNewPin"
CONFIRM_NEW_PIN = "ConfirmNewPin"


def wrong_pin_event(tries_left: int | None) -> str:
    """A wrong PIN with ``tries_left``: the card is blocked at none left."""
    return "pin_blocked" if tries_left == 0 else "pin_wrong"


def new_pin_rows(done: str) -> dict[tuple[str, str], str]:
    """The new PIN twice, then ``done`` once the card has it."""
    return {
        (ENTER_NEW_PIN, "new_pin_refused"): ENTER_NEW_PIN,
        (ENTER_NEW_PIN, "new_pin_entered"): CONFIRM_NEW_PIN,
        (CONFIRM_NEW_PIN, "mismatch"): ENTER_NEW_PIN,
        (CONFIRM_NEW_PIN, "changed"): done,
    }


class NewPinStep:
    """Mixed into a :class:`~kiosk.workflows.common.ServiceWorkflow` with ``self.card``."""

    card: PinCard
    state: str
    finished: bool
    _lock: threading.RLock
    #: the journal step that records the CHANGE the card acknowledged
    NEW_PIN_STEP: ClassVar[str] = "changed"
    _current: Pin | None = None
    _new: Pin | None = None

    def enter_new_pin(self: Any, pin: Pin) -> None:
        """The new PIN (wiped if refused or if the workflow has moved on)."""
        if not self._expect_secret(ENTER_NEW_PIN, pin):
            return
        try:
            check_new_pin(pin)
        except WeakPin as e:
            pin.wipe()
            self._step("new_pin_refused", reason=e.reason)
            self._go("new_pin_refused", reason=e.reason)
            return
        with self._lock:
            if self.finished:
                pin.wipe()
                return
            self._wipe_new()
            self._new = pin
            self.fire("new_pin_entered")

    def confirm_new_pin(self: Any, confirmation: Pin) -> None:
        """The new PIN again; the card's CHANGE when both agree."""
        if not self._expect_secret(CONFIRM_NEW_PIN, confirmation):
            return
        if self._current is None or self._new is None:
            confirmation.wipe()
            return
        if not self._new.same_as(confirmation):
            confirmation.wipe()
            self._wipe_new()
            self._step("mismatch", reason="mismatch")
            self._go("mismatch", reason="mismatch")
            return
        try:
            self.card.change_pin(self._current, self._new, confirmation)
        except (WrongPin, PinBlocked) as e:
            self._wipe_pins(confirmation)
            self._current_pin_refused(e)
            return
        except KioskError as e:
            self._wipe_pins(confirmation)
            self._end_with(e)
            return
        finally:
            confirmation.wipe()
        self._wipe_pins()
        # the new PIN is in force on the card: on record before anything else happens
        self._card_did(CARD_PIN_CHANGED, self.NEW_PIN_STEP)
        self._go("changed")

    def _current_pin_refused(self, e: WrongPin | PinBlocked) -> None:  # pragma: no cover
        raise NotImplementedError

    def _wipe_new(self) -> None:
        if self._new is not None:
            self._new.wipe()
            self._new = None

    def _wipe_pins(self, *extra: Pin) -> None:
        self._wipe_new()
        if self._current is not None:
            self._current.wipe()
            self._current = None
        for p in extra:
            p.wipe()
