"""Card status and production progress (查询): with the card and its PIN (card + SMS or
face where no PIN is in use), or without the card by ID number, name and an SMS code.

Answers, in the final state :data:`STATUS_SHOWN`: the card's status
(``active``, ``temp_lost``, ``lost``, ``replaced``, ``cancelled``,
``not_activated``), the loss (kind, since, when it lifts itself: Sichuan 7
days, Hainan 15 days), issue and expiry days, the bank, and each application's
production timeline in the pack's stage order (``production_stages``:
accepted → uploaded to the province → bank account opened → manufactured →
personalised → delivered to the outlet → ready for pickup → collected), each
stage with the time it was reached, the current one marked, and the expected
day.

Rules: the pack's ``query_at_kiosk`` (services ``card_status`` and
``progress``; the applications are shown only where ``progress`` is offered),
``production_stages``, ``production_working_days``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.backoffice_types import CardStatus
from kiosk.errors import CardNotFound

from .common import (ENTER_IDENTITY, ENTER_PIN, ENTER_SMS_CODE, IDENTIFIED, IDENTITY_REFUSED,
                     PIN_BLOCKED, ServiceWorkflow, card_ids)
from .identity import CARD_HOLDER_ROWS, IdentityStep, PinStep
from .ports import BackOffice, PinCard, RulePack

STATUS_SHOWN = "StatusShown"


class CardStatusQuery(PinStep, IdentityStep, ServiceWorkflow):
    NAME = "card_status"
    SERVICE = "card_status"
    INITIAL = ENTER_PIN          # without the card: ENTER_IDENTITY
    TRANSITIONS = {
        # with the card: its holder by card + PIN (card + SMS or face where no PIN is in use)
        **CARD_HOLDER_ROWS,
        # without the card: ID number + name, then the code sent to the phone on file
        (ENTER_IDENTITY, "identity_invalid"): ENTER_IDENTITY,
        (ENTER_IDENTITY, "identity_not_verified"): ENTER_IDENTITY,
        (ENTER_IDENTITY, "too_many_attempts"): IDENTITY_REFUSED,
        (ENTER_IDENTITY, "sms_sent"): ENTER_SMS_CODE,
        # (EnterSmsCode's rows are in CARD_HOLDER_ROWS; without the card there is no
        # ChooseIdentityCheck to go back to)
        # the status and the applications
        (IDENTIFIED, "status_read"): STATUS_SHOWN,
    }
    FINAL = frozenset({STATUS_SHOWN, PIN_BLOCKED, IDENTITY_REFUSED})

    def __init__(self, client: BackOffice, pack: RulePack, *, card: PinCard | None = None,
                 card_info: Any = None,
                 **kw: Any):
        """With the card: ``card`` (the :class:`~devices.card.ssc.SscCard`) and
        ``card_info`` (read with authentication); without: neither."""
        if (card is None) != (card_info is None):
            raise ValueError("give both card and card_info, or neither")
        super().__init__(client, pack, any_of=("card_status", "progress"),
                         **card_ids(card_info), **kw)
        self.card = card
        self.card_info = card_info
        self._ssn: str | None = None
        self._name: str | None = None
        self._sms_session = None
        self.with_card = card is not None
        if self.with_card:
            self._begin_holder_check()
        else:
            self.state = ENTER_IDENTITY
            self.info = {}
        self.info = {**self.info, "with_card": self.with_card}

    def _after_card_session(self) -> None:
        self._read_status()

    def _identity_verified(self, method: str) -> None:
        self._read_status()

    def _read_status(self) -> None:
        try:
            card = self.client.my_card()
        except CardNotFound:
            card = None                 # a first card still in production
        applications = ()
        if self.pack.offers("progress").offered:
            applications = self.client.my_applications()
        if card is not None:
            self._identify(card_no=card.card_no)
        self._step("status_read", status=card.status if card else None,
                   applications=len(applications))
        self._go("status_read", card=card_summary(card, self._today()),
                 applications=[timeline(a, self.pack) for a in applications])


def card_summary(card: CardStatus | None, today: dt.date) -> dict[str, Any] | None:
    """What the status screen shows of ``GET /v1/me/card`` (the card number masked)."""
    if card is None:
        return None
    loss = card.loss
    return {
        "card_no": card.card_no_masked,
        "status": card.status,
        "loss": None if loss is None else {"kind": loss.kind, "since": loss.since,
                                           "auto_lift_at": loss.auto_lift_at},
        "issued_on": card.issued_on,
        "expires_on": card.expires_on,
        "expires_in_days": (card.expires_on - today).days if card.expires_on else None,
        "bank": card.bank,
        "services": tuple(card.services),
    }


def timeline(application: Any, pack: RulePack) -> dict[str, Any]:
    """One application's stages in the pack's order: reached (with its time) or not yet."""
    order = list(pack.value("production_stages"))
    reached = {s.stage: s.at for s in application.stages}
    stages = order + [s.stage for s in application.stages if s.stage not in order]
    return {
        "application_id": application.application_id,
        "kind": application.kind,
        "current_stage": application.current_stage,
        "expected_by": application.expected_by,
        "outlet": application.outlet,
        "delivery": application.delivery,
        "finished": application.current_stage == order[-1],
        "stages": [{"stage": st, "at": reached.get(st), "reached": st in reached,
                    "current": st == application.current_stage} for st in stages],
    }
