"""PIN unblock (解锁): the PIN is blocked after too many wrong tries, but remembered.

The citizen proves who they are without the PIN (SMS code or face), the back
office's HSM authorises the UNBLOCK (``POST /v1/me/pin-authorizations
{operation: unblock}``), the card clears its counter and keeps the PIN, and the
citizen proves they remember it with a VERIFY. A citizen who does not remember
it after all uses the PIN reset (:mod:`kiosk.workflows.pin_reset`).

Rules: ``shared/spec/ssc-card.md`` (UNBLOCK, MAC4; the card blocks again after
the pack's ``pin_max_tries`` wrong PINs), the pack's ``pin_in_use`` /
``pin_unblock_at_kiosk`` / ``pin_unblock_requires`` (Hainan 第14条: refuses to
start with :class:`~kiosk.errors.ServiceNotOffered`).
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import KioskError, PinBlocked, WrongPin
from kiosk.pin import Pin

from .common import (CHOOSE_IDENTITY_CHECK, ENTER_SMS_CODE, IDENTITY_METHODS, IDENTITY_REFUSED,
                     PIN_BLOCKED, SHOW_FACE, IdentityStep, ServiceWorkflow, holder_of)

UNBLOCKING_PIN = "UnblockingPin"
ENTER_REMEMBERED_PIN = "EnterRememberedPin"
PIN_UNBLOCKED = "PinUnblocked"


class PinUnblock(IdentityStep, ServiceWorkflow):
    NAME = "pin_unblock"
    SERVICE = "pin_unblock"
    INITIAL = CHOOSE_IDENTITY_CHECK
    TRANSITIONS = {
        # who: the card's holder, by SMS or face
        (CHOOSE_IDENTITY_CHECK, "sms_sent"): ENTER_SMS_CODE,
        (CHOOSE_IDENTITY_CHECK, "face_chosen"): SHOW_FACE,
        (CHOOSE_IDENTITY_CHECK, "identity_invalid"): IDENTITY_REFUSED,
        (CHOOSE_IDENTITY_CHECK, "identity_not_verified"): IDENTITY_REFUSED,
        (CHOOSE_IDENTITY_CHECK, "too_many_attempts"): IDENTITY_REFUSED,
        (ENTER_SMS_CODE, "code_wrong"): ENTER_SMS_CODE,
        (ENTER_SMS_CODE, "sms_sent"): ENTER_SMS_CODE,
        (ENTER_SMS_CODE, "too_many_attempts"): IDENTITY_REFUSED,
        (ENTER_SMS_CODE, "other_method"): CHOOSE_IDENTITY_CHECK,
        (ENTER_SMS_CODE, "identity_verified"): UNBLOCKING_PIN,
        (SHOW_FACE, "face_refused"): SHOW_FACE,
        (SHOW_FACE, "too_many_attempts"): IDENTITY_REFUSED,
        (SHOW_FACE, "other_method"): CHOOSE_IDENTITY_CHECK,
        (SHOW_FACE, "identity_verified"): UNBLOCKING_PIN,
        # the back office authorises, the card clears its counter
        (UNBLOCKING_PIN, "pin_unblocked"): ENTER_REMEMBERED_PIN,
        # the remembered PIN proves it
        (ENTER_REMEMBERED_PIN, "pin_wrong"): ENTER_REMEMBERED_PIN,
        (ENTER_REMEMBERED_PIN, "pin_verified"): PIN_UNBLOCKED,
        (ENTER_REMEMBERED_PIN, "pin_blocked"): PIN_BLOCKED,
    }
    FINAL = frozenset({PIN_UNBLOCKED, PIN_BLOCKED, IDENTITY_REFUSED})

    def __init__(self, card: Any, card_info: Any, client: Any, pack: Any, **kw: Any):
        """``card`` and ``card_info`` as for :class:`~kiosk.workflows.pin_reset.PinReset`."""
        ssn, name = holder_of(card_info)
        super().__init__(client, pack, card_no=card_info.card.card_no, ssn=ssn, **kw)
        self.card = card
        self.card_info = card_info
        self._ssn, self._name = ssn, name
        self._sms_session = None
        self._can_choose_method = True
        self.info = {"methods": IDENTITY_METHODS,
                     "requires": tuple(pack.value("pin_unblock_requires"))}

    def _identity_verified(self, method: str) -> None:
        def authorize(operation: str, challenge: bytes) -> bytes:
            return self.client.pin_authorization(operation, self.card_info.card_auth_id,
                                                 challenge)

        try:
            self.card.unblock_pin(authorize)
        except KioskError as e:
            self._end_with(e)
            return
        self._step("pin_unblocked")
        self._go("pin_unblocked", max_tries=self.pack.value("pin_max_tries"))

    def enter_pin(self, pin: Pin) -> None:
        """The remembered PIN, checked by the card (wiped whatever happens)."""
        try:
            expected = self._expect(ENTER_REMEMBERED_PIN)
        finally:
            if self.state != ENTER_REMEMBERED_PIN:
                pin.wipe()
        if not expected:
            return
        try:
            try:
                self.card.verify_pin(pin)
            finally:
                pin.wipe()
        except WrongPin as e:
            self._step("pin_wrong", tries_left=e.tries_left)
            self._go("pin_blocked" if e.tries_left == 0 else "pin_wrong", tries_left=e.tries_left)
            return
        except PinBlocked as e:
            self._step("pin_blocked")
            self._go("pin_blocked", error=e, code=e.code)
            return
        except KioskError as e:
            self._end_with(e)
            return
        self._step("pin_verified")
        self._go("pin_verified")
