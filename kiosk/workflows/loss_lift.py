"""Lifting a loss (解挂) with the found card: the card in the reader and its PIN.

The card checks the PIN (VERIFY), the back office opens a session for the card
(``POST /v1/sessions {method: card}``; where no PIN is in use, the card's holder
shows who they are by SMS or face instead) and tells the card's status; a card that
is not reported lost is refused at once (``CARD_NOT_LOST``), and so is a loss
the pack does not let anyone lift: a formal loss in Hubei (第29条 正式挂失不能解除,
:class:`~kiosk.errors.FormalLossNotLiftable` with the article). Otherwise the
citizen confirms and the lift (``DELETE /v1/me/card/loss``) goes through the
outbox.

Rules: the pack's ``lift_loss_at_kiosk``, ``lift_temporary_loss_allowed``,
``lift_formal_loss_allowed`` (the back office checks them again, and refuses a
lift after a replacement was applied for: ``CARD_REPLACED``).
"""

from __future__ import annotations

from typing import Any

from kiosk.backoffice_calls import lift_loss_call
from kiosk.errors import CardNotLost, FormalLossNotLiftable, KioskError

from .common import (ENTER_PIN, IDENTIFIED, IDENTITY_REFUSED, PIN_BLOCKED, ServiceWorkflow,
                     card_ids, not_offered_error, refusal)
from .identity import CARD_HOLDER_ROWS, IdentityStep, PinStep
from .ports import BackOffice, PinCard, RulePack

CONFIRM_LIFT = "ConfirmLift"
LOSS_LIFTED = "LossLifted"
LIFT_PENDING = "LiftPending"


class LossLift(PinStep, IdentityStep, ServiceWorkflow):
    NAME = "loss_lift"
    SERVICE = "lift_loss"
    INITIAL = ENTER_PIN
    TRANSITIONS = {
        # the card's holder: card + PIN (card + SMS or face where no PIN is in use)
        **CARD_HOLDER_ROWS,
        # the card's loss, as the back office has it
        (IDENTIFIED, "loss_found"): CONFIRM_LIFT,
        # the lift, through the outbox
        (CONFIRM_LIFT, "lifted"): LOSS_LIFTED,
        (CONFIRM_LIFT, "pending"): LIFT_PENDING,
    }
    FINAL = frozenset({LOSS_LIFTED, LIFT_PENDING, PIN_BLOCKED, IDENTITY_REFUSED})
    PENDING = frozenset({LIFT_PENDING})

    def __init__(self, card: PinCard, card_info: Any, client: BackOffice, pack: RulePack,
                 **kw: Any):
        """``card``: the :class:`~devices.card.ssc.SscCard` in the reader; ``card_info``:
        what :func:`~devices.card.ssc.read_card_info` read with authentication."""
        super().__init__(client, pack, **card_ids(card_info), **kw)
        self.card = card
        self.card_info = card_info
        self._begin_holder_check()

    def _after_card_session(self) -> None:
        card = self.client.my_card()
        self._step("card_status", status=card.status)
        loss = card.loss
        if loss is None:
            self._end_with(refusal(CardNotLost, self.pack, status=card.status))
            return
        if loss.kind == "formal" and not self.pack.value("lift_formal_loss_allowed"):
            self._end_with(refusal(FormalLossNotLiftable, self.pack,
                                   rule="lift_formal_loss_allowed", kind=loss.kind,
                                   next_step="replacement"))
            return
        if loss.kind == "temporary" and not self.pack.value("lift_temporary_loss_allowed"):
            self._end_with(not_offered_error(self.pack, "lift_loss",
                                             rule="lift_temporary_loss_allowed",
                                             article=self.pack.rule(
                                                 "lift_temporary_loss_allowed").article))
            return
        self._go("loss_found", status=card.status, kind=loss.kind, since=loss.since,
                 auto_lift_at=loss.auto_lift_at, card_no=card.card_no_masked)

    def confirm(self) -> None:
        """Lift the loss (through the outbox)."""
        if not self._expect(CONFIRM_LIFT):
            return
        try:
            result = self._send(lift_loss_call())
        except KioskError as e:
            self._end_with(e)
            return
        if self._went_pending(result):
            return
        self._step("lifted", status=result.status)
        self._go("lifted", status=result.status, card_no=result.card_no_masked)
