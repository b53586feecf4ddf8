"""PIN change (修改密码): the physical card and the current PIN, then a new PIN twice.

A :class:`~kiosk.workflows.common.ServiceWorkflow` like every service: the rule
pack's gate (Hainan 第14条 uses no PIN: the service refuses to start with
:class:`~kiosk.errors.ServiceNotOffered`), one journal attempt, the same cleanup.
The new PIN is the step the PIN reset shares (:class:`~kiosk.workflows.new_pin.NewPinStep`).
On a kiosk without a back office (``client`` and ``pack`` None) it needs only the card.
Rules: ``shared/spec/ssc-card.md`` (PIN) and the jurisdiction's pack.
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import KioskError, PinBlocked, WrongPin
from kiosk.pin import Pin

from .card_effect import CardEffects
from .common import PIN_BLOCKED, ServiceWorkflow, card_ids
from .new_pin import CONFIRM_NEW_PIN, ENTER_NEW_PIN, NewPinStep, new_pin_rows, wrong_pin_event
from .ports import BackOffice, PinCard, RulePack

ENTER_CURRENT_PIN = "EnterCurrentPin"
PIN_CHANGED = "PinChanged"

__all__ = ["CONFIRM_NEW_PIN", "ENTER_CURRENT_PIN", "ENTER_NEW_PIN", "PIN_BLOCKED",
           "PIN_CHANGED", "PinChange"]


class PinChange(CardEffects, NewPinStep, ServiceWorkflow):
    NAME = "pin_change"
    SERVICE = "pin_change"
    INITIAL = ENTER_CURRENT_PIN
    TRANSITIONS = {
        (ENTER_CURRENT_PIN, "pin_verified"): ENTER_NEW_PIN,
        (ENTER_CURRENT_PIN, "pin_wrong"): ENTER_CURRENT_PIN,
        (ENTER_CURRENT_PIN, "pin_blocked"): PIN_BLOCKED,
        **new_pin_rows(PIN_CHANGED),
        # the card refuses the current PIN at the CHANGE (changed meanwhile elsewhere)
        (CONFIRM_NEW_PIN, "pin_wrong"): ENTER_CURRENT_PIN,
        (CONFIRM_NEW_PIN, "pin_blocked"): PIN_BLOCKED,
    }
    FINAL = frozenset({PIN_CHANGED, PIN_BLOCKED})

    def __init__(self, card: PinCard, card_info: Any = None, client: BackOffice | None = None,
                 pack: RulePack | None = None, **kw: Any):
        """``card`` in the reader; ``card_info`` (read with authentication) names the
        attempt in the journal (or ``card_no``/``ssn``); ``client``/``pack`` as for
        every service (None on a kiosk without a back office)."""
        if card_info is not None:
            kw = {**card_ids(card_info), **kw}
        super().__init__(client, pack, **kw)
        self.card = card
        self.card_info = card_info
        self._start_card_effects()
        self._current: Pin | None = None
        self._new: Pin | None = None

    def enter_current_pin(self, pin: Pin) -> None:
        """The current PIN, checked by the card; kept (for the CHANGE) when right."""
        if not self._expect_secret(ENTER_CURRENT_PIN, pin):
            return
        try:
            self.card.verify_pin(pin)
        except (WrongPin, PinBlocked) as e:
            pin.wipe()
            self._current_pin_refused(e)
            return
        except KioskError as e:
            pin.wipe()
            self._end_with(e)
            return
        with self._lock:
            if self.finished:  # cancelled (card pulled, idle) while the card was checking
                pin.wipe()
                return
            self._current = pin
            self._step("pin_verified")
            self.fire("pin_verified")

    def _current_pin_refused(self, e: WrongPin | PinBlocked) -> None:
        event = wrong_pin_event(e.tries_left) if isinstance(e, WrongPin) else "pin_blocked"
        info = {"tries_left": e.tries_left} if isinstance(e, WrongPin) else {}
        self._step(event, **info)
        self._go(event, **info)

    def wipe(self) -> None:
        self._wipe_pins()
