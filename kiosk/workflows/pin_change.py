"""PIN change (修改密码): the physical card and the current PIN, then a new PIN twice.

Also the forced change right after a PIN reset, where the current PIN is the
reset PIN ``123456`` and the citizen starts at :data:`EnterNewPin`.
Rules: ``shared/spec/ssc-card.md`` (PIN) and the jurisdiction's pack.
"""

from __future__ import annotations

import logging

from typing import Any, Protocol

from kiosk.errors import KioskError, PinBlocked, WeakPin, WrongPin
from kiosk.pin import Pin, check_new_pin, initial_pin

from .base import Workflow
from .card_effect import PIN_CHANGED as CARD_PIN_CHANGED
from .card_effect import CardEffects, journal_outcome

log = logging.getLogger(__name__)

ENTER_CURRENT_PIN = "EnterCurrentPin"
ENTER_NEW_PIN = "EnterNewPin"
CONFIRM_NEW_PIN = "ConfirmNewPin"
PIN_CHANGED = "PinChanged"
PIN_BLOCKED = "PinBlocked"


class PinCard(Protocol):
    def verify_pin(self, pin: Pin) -> None: ...

    def change_pin(self, old: Pin, new: Pin, confirmation: Pin | None = None) -> None: ...


class PinChange(CardEffects, Workflow):
    NAME = "pin_change"
    INITIAL = ENTER_CURRENT_PIN
    TRANSITIONS = {
        (ENTER_CURRENT_PIN, "pin_verified"): ENTER_NEW_PIN,
        (ENTER_CURRENT_PIN, "pin_wrong"): ENTER_CURRENT_PIN,
        (ENTER_CURRENT_PIN, "pin_blocked"): PIN_BLOCKED,
        (ENTER_NEW_PIN, "new_pin_entered"): CONFIRM_NEW_PIN,
        (ENTER_NEW_PIN, "new_pin_refused"): ENTER_NEW_PIN,
        (CONFIRM_NEW_PIN, "mismatch"): ENTER_NEW_PIN,
        (CONFIRM_NEW_PIN, "changed"): PIN_CHANGED,
        (CONFIRM_NEW_PIN, "pin_wrong"): ENTER_CURRENT_PIN,
        (CONFIRM_NEW_PIN, "pin_blocked"): PIN_BLOCKED,
    }
    FINAL = frozenset({PIN_CHANGED, PIN_BLOCKED})

    #: steps written to the journal (never a PIN: the guard checks every write); ``changed``
    #: is journalled as the card's effect, right after the card acknowledges the CHANGE
    JOURNALLED = frozenset({"pin_verified", "pin_wrong", "pin_blocked", "new_pin_refused",
                            "mismatch"})

    def __init__(self, card: PinCard, *, after_reset: bool = False, journal: Any = None,
                 card_no: str | None = None, ssn: str | None = None):
        """``journal`` (a :class:`kiosk.journal.Journal`): one ``pin_change`` attempt with
        the masked ``card_no`` and ``ssn``, its steps and its outcome."""
        super().__init__()
        self.card = card
        self.after_reset = after_reset
        self.journal = journal
        self._attempt = journal.begin("pin_change", card_no=card_no, ssn=ssn) if journal else None
        self._start_card_effects()
        self._current: Pin | None = None
        self._new: Pin | None = None
        if after_reset:
            # The card was just reset to the initial PIN: choose a new one at once.
            self._current = initial_pin()
            self.state = ENTER_NEW_PIN

    def enter_current_pin(self, pin: Pin) -> None:
        try:
            self.card.verify_pin(pin)
        except WrongPin as e:
            pin.wipe()
            self.fire("pin_blocked" if e.tries_left == 0 else "pin_wrong", tries_left=e.tries_left)
            return
        except PinBlocked:
            pin.wipe()
            self.fire("pin_blocked")
            return
        except KioskError as e:
            pin.wipe()
            self.fail(e)
            return
        with self._lock:
            if self.finished:  # cancelled (card pulled, idle) while the card was checking
                pin.wipe()
                return
            self._current = pin
            self.fire("pin_verified")

    def enter_new_pin(self, pin: Pin) -> None:
        try:
            check_new_pin(pin)
        except WeakPin as e:
            pin.wipe()
            self.fire("new_pin_refused", reason=e.reason)
            return
        with self._lock:
            if self.finished:
                pin.wipe()
                return
            self._wipe_new()
            self._new = pin
            self.fire("new_pin_entered")

    def confirm_new_pin(self, confirmation: Pin) -> None:
        if self.finished or self._current is None or self._new is None:
            confirmation.wipe()  # cancelled meanwhile: nothing to confirm
            return
        if not self._new.same_as(confirmation):
            confirmation.wipe()
            self._wipe_new()
            self.fire("mismatch", reason="mismatch")
            return
        try:
            self.card.change_pin(self._current, self._new, confirmation)
        except WrongPin as e:
            self._wipe_all(confirmation)
            self._fire_unless_finished("pin_blocked" if e.tries_left == 0 else "pin_wrong",
                                       tries_left=e.tries_left)
            return
        except PinBlocked:
            self._fire_unless_finished("pin_blocked")
            return
        except KioskError as e:
            if not self.finished:
                self.fail(e)
            return
        finally:
            confirmation.wipe()
        # the new PIN is in force on the card: on record before anything else happens
        self._card_did(CARD_PIN_CHANGED, "changed")
        self._fire_unless_finished("changed")

    def _fire_unless_finished(self, event: str, **info) -> None:
        """After a card command: the card may have been pulled (cancel) meanwhile."""
        with self._lock:
            if self.finished:
                self._wipe_all()
                return
            self.fire(event, **info)

    def _wipe_new(self) -> None:
        if self._new is not None:
            self._new.wipe()
            self._new = None

    def _wipe_all(self, *extra: Pin) -> None:
        self._wipe_new()
        if self._current is not None:
            self._current.wipe()
            self._current = None
        for p in extra:
            p.wipe()

    def fire(self, event: str, **info: Any):
        if self._attempt is not None and event in self.JOURNALLED:
            data = {k: v for k, v in info.items() if k in ("tries_left", "reason")}
            try:
                self._attempt.step(event, **data)
            except Exception:  # noqa: BLE001 - the journal must not end a citizen's service
                log.exception("pin_change: could not journal %s", event)
        return super().fire(event, **info)

    def cleanup(self) -> None:
        self._wipe_all()
        attempt, self._attempt = self._attempt, None
        if attempt is None:
            return
        from kiosk.journal.journal import error_code_for, outcome_for

        error = self.info.get("error")
        if self.state == PIN_CHANGED:
            outcome, code = "ok", None
        elif self.state == PIN_BLOCKED:
            outcome, code = "refused", "PIN_BLOCKED"
        elif self.state == "Cancelled":
            outcome, code = "cancelled", None
        elif self.state == "CardRemoved":
            outcome, code = "card_removed", None
        elif isinstance(error, BaseException):
            outcome, code = outcome_for(error), error_code_for(error)
        else:
            outcome, code = "failed", None
        try:
            attempt.outcome(*journal_outcome(outcome, code, self.card_effect))
            self.journal.end(attempt)
        except Exception:  # noqa: BLE001
            log.exception("pin_change: could not journal the end")
