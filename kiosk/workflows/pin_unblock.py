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

from kiosk.errors import KioskError
from kiosk.pin import Pin

from .card_effect import PIN_UNBLOCKED as CARD_PIN_UNBLOCKED
from .common import IDENTITY_REFUSED, PIN_BLOCKED
from .identity import HolderPinService, holder_identity_rows

UNBLOCKING_PIN = "UnblockingPin"
ENTER_REMEMBERED_PIN = "EnterRememberedPin"
PIN_UNBLOCKED = "PinUnblocked"


class PinUnblock(HolderPinService):
    """``card`` and ``card_info`` as for :class:`~kiosk.workflows.pin_reset.PinReset`."""

    NAME = "pin_unblock"
    SERVICE = "pin_unblock"
    REQUIRES = "pin_unblock_requires"
    TRANSITIONS = {
        # who: the card's holder, by SMS or face
        **holder_identity_rows(UNBLOCKING_PIN),
        # the back office authorises, the card clears its counter
        (UNBLOCKING_PIN, "pin_unblocked"): ENTER_REMEMBERED_PIN,
        # the remembered PIN proves it
        (ENTER_REMEMBERED_PIN, "pin_wrong"): ENTER_REMEMBERED_PIN,
        (ENTER_REMEMBERED_PIN, "pin_verified"): PIN_UNBLOCKED,
        (ENTER_REMEMBERED_PIN, "pin_blocked"): PIN_BLOCKED,
    }
    FINAL = frozenset({PIN_UNBLOCKED, PIN_BLOCKED, IDENTITY_REFUSED})

    def _identity_verified(self, method: str) -> None:
        try:
            self.card.unblock_pin(self._authorize_pin)
        except KioskError as e:
            self._end_with(e)
            return
        self._card_did(CARD_PIN_UNBLOCKED, "pin_unblocked")   # the tries are back
        self._go("pin_unblocked", max_tries=self.pack.value("pin_max_tries"))

    def enter_pin(self, pin: Pin) -> None:
        """The remembered PIN, checked by the card (wiped whatever happens)."""
        if self._verify_pin_on_card(pin, ENTER_REMEMBERED_PIN):
            self._go("pin_verified")
