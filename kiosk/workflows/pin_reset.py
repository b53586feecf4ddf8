"""PIN reset (重置/重装密码): the PIN is forgotten; the card is in the reader.

The citizen proves who they are without the PIN, by a code sent to the phone
on file (SMS) or by the camera (face); the back office's HSM authorises the
RESET (``POST /v1/me/pin-authorizations {operation: reload}``, only for an SMS
or face session of the card's own holder); the card sets the PIN to the reset
PIN ``123456`` and clears its counter; the citizen chooses a new PIN at once
(the states of :class:`~kiosk.workflows.pin_change.PinChange` with
``after_reset=True``, run as a sub-step). The new PIN never leaves the kiosk
and the card.

Rules: ``shared/spec/ssc-card.md`` (PIN: RESET, MAC4), the pack's
``pin_in_use`` / ``pin_reset_at_kiosk`` / ``pin_reset_requires`` (Hainan
第14条: no PIN in use, the service refuses to start with
:class:`~kiosk.errors.ServiceNotOffered`), and the back office's
``CARD_ALREADY_LOST`` (lift the loss first).

A card pulled after the RESET and before the new PIN keeps ``123456``, the
initial PIN, which the kiosk makes the citizen change at the next PIN use.
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import CardProtocolError, KioskError
from kiosk.pin import Pin

from .card_effect import PIN_RESET
from .common import IDENTITY_REFUSED, HolderPinService, holder_identity_rows
from .pin_change import PinChange

RESETTING_PIN = "ResettingPin"
ENTER_NEW_PIN = "EnterNewPin"
CONFIRM_NEW_PIN = "ConfirmNewPin"
NEW_PIN_SET = "NewPinSet"


class PinReset(HolderPinService):
    """``card``: the :class:`~devices.card.ssc.SscCard` in the reader (selected and
    authenticated); ``card_info``: what :func:`~devices.card.ssc.read_card_info`
    read with authentication (holder, ``card_auth_id``)."""

    NAME = "pin_reset"
    SERVICE = "pin_reset"
    REQUIRES = "pin_reset_requires"
    TRANSITIONS = {
        # who: the card's holder, by SMS or face
        **holder_identity_rows(RESETTING_PIN),
        # the back office authorises, the card resets to 123456
        (RESETTING_PIN, "pin_reset"): ENTER_NEW_PIN,
        # the new PIN at once (PinChange after_reset)
        (ENTER_NEW_PIN, "new_pin_refused"): ENTER_NEW_PIN,
        (ENTER_NEW_PIN, "new_pin_entered"): CONFIRM_NEW_PIN,
        (CONFIRM_NEW_PIN, "mismatch"): ENTER_NEW_PIN,
        (CONFIRM_NEW_PIN, "changed"): NEW_PIN_SET,
    }
    FINAL = frozenset({NEW_PIN_SET, IDENTITY_REFUSED})

    def __init__(self, card: Any, card_info: Any, client: Any, pack: Any, **kw: Any):
        super().__init__(card, card_info, client, pack, **kw)
        self._change: PinChange | None = None

    # --- after the identity check: authorise and RESET -------------------------------
    def _identity_verified(self, method: str) -> None:
        try:
            self.card.reset_pin(self._authorize_pin)
        except KioskError as e:
            self._end_with(e)
            return
        self._card_did(PIN_RESET, "pin_reset")     # the card holds 123456 now
        with self._lock:
            if self.finished:
                return
            self._change = PinChange(self.card, after_reset=True)
            # its CHANGE is this attempt's effect, journalled as soon as the card answers
            self._change.on_card_effect(lambda effect: self._card_did(effect, "new_pin_set"))
            self._subs.append(self._change)
            self.fire("pin_reset")

    # --- the new PIN ---------------------------------------------------------------------
    def enter_new_pin(self, pin: Pin) -> None:
        change = self._change
        try:
            expected = self._expect(ENTER_NEW_PIN)
        finally:
            if self.state != ENTER_NEW_PIN:
                pin.wipe()
        if not expected or change is None:
            pin.wipe()
            return
        change.enter_new_pin(pin)
        if change.state == "ConfirmNewPin":
            self._go("new_pin_entered")
        elif change.state == "EnterNewPin":
            self._go("new_pin_refused", **change.info)
        else:
            self._sub_ended(change)

    def confirm_new_pin(self, confirmation: Pin) -> None:
        change = self._change
        try:
            expected = self._expect(CONFIRM_NEW_PIN)
        finally:
            if self.state != CONFIRM_NEW_PIN:
                confirmation.wipe()
        if not expected or change is None:
            confirmation.wipe()
            return
        change.confirm_new_pin(confirmation)
        if change.state == "PinChanged":
            self._go("changed")
        elif change.state == "EnterNewPin":
            self._go("mismatch", **change.info)
        else:
            self._sub_ended(change)

    def _sub_ended(self, change: PinChange) -> None:
        error = change.info.get("error")
        if not isinstance(error, KioskError):
            # the card refused the reset PIN: it was not reset after all
            error = CardProtocolError(f"the card refused the PIN it was reset to ({change.state})")
        self._end_with(error)

    def wipe(self) -> None:
        change = self._change
        if change is not None:
            change._wipe_all()
