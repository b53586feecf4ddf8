"""PIN reset (重置/重装密码): the PIN is forgotten; the card is in the reader.

The citizen proves who they are without the PIN, by a code sent to the phone
on file (SMS) or by the camera (face); the back office's HSM authorises the
RESET (``POST /v1/me/pin-authorizations {operation: reload}``, only for an SMS
or face session of the card's own holder); the card sets the PIN to the reset
PIN ``123456`` and clears its counter; the citizen chooses a new PIN at once
(the new-PIN step it shares with the PIN change,
:class:`~kiosk.workflows.new_pin.NewPinStep`, with ``123456`` as the current PIN). The new PIN never leaves the kiosk
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

from kiosk.errors import CardProtocolError, KioskError, PinBlocked, WrongPin
from kiosk.pin import initial_pin

from .card_effect import PIN_RESET
from .common import IDENTITY_REFUSED
from .identity import HolderPinService, holder_identity_rows
from .new_pin import CONFIRM_NEW_PIN, ENTER_NEW_PIN, NewPinStep, new_pin_rows
from .ports import BackOffice, PinCard, RulePack

RESETTING_PIN = "ResettingPin"
NEW_PIN_SET = "NewPinSet"

__all__ = ["CONFIRM_NEW_PIN", "ENTER_NEW_PIN", "NEW_PIN_SET", "PinReset", "RESETTING_PIN"]


class PinReset(NewPinStep, HolderPinService):
    """``card``: the :class:`~devices.card.ssc.SscCard` in the reader (selected and
    authenticated); ``card_info``: what :func:`~devices.card.ssc.read_card_info`
    read with authentication (holder, ``card_auth_id``)."""

    NAME = "pin_reset"
    SERVICE = "pin_reset"
    REQUIRES = "pin_reset_requires"
    NEW_PIN_STEP = "new_pin_set"
    TRANSITIONS = {
        # who: the card's holder, by SMS or face
        **holder_identity_rows(RESETTING_PIN),
        # the back office authorises, the card resets to 123456
        (RESETTING_PIN, "pin_reset"): ENTER_NEW_PIN,
        # the new PIN at once (the step the PIN change shares)
        **new_pin_rows(NEW_PIN_SET),
    }
    FINAL = frozenset({NEW_PIN_SET, IDENTITY_REFUSED})

    def __init__(self, card: PinCard, card_info: Any, client: BackOffice, pack: RulePack,
                 **kw: Any):
        super().__init__(card, card_info, client, pack, **kw)
        self._current = None
        self._new = None

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
            self._current = initial_pin()
            self.fire("pin_reset")

    def _current_pin_refused(self, e: WrongPin | PinBlocked) -> None:
        # the card refused the reset PIN: it was not reset after all
        self._end_with(CardProtocolError(
            f"the card refused the PIN it was reset to ({type(e).__name__})"))

    def wipe(self) -> None:
        self._wipe_pins()
