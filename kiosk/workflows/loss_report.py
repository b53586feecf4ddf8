"""Reporting a lost card (挂失) without the card: temporary (临时挂失), or formal (正式挂失)
where the jurisdiction lets a kiosk take it.

The citizen types the ID number (its check digit is checked before anything is
sent) and the name; a code goes to the phone on file and is typed back; the
back office tells the card's status. Then the kind (only the kinds the pack
offers at a kiosk: ``loss_kinds`` and ``formal_loss_at_kiosk``), the duration
of a temporary loss (only the pack's ``temporary_loss_durations``: Sichuan 7
days 第18条, Hainan 15 days or long-term 第17条, elsewhere until lifted; the API
sends ``null`` for "until lifted"), a confirmation, and the report
(``POST /v1/me/card/loss``) through the outbox: when its outcome is unknown the
citizen gets a reference and is told how to check (:data:`LOSS_PENDING`).

A temporary loss may be made formal where the kiosk takes formal losses (report
``formal`` on a ``temp_lost`` card); anything else on a lost card is refused at
once with ``CARD_ALREADY_LOST`` before the citizen chooses anything.
"""

from __future__ import annotations

from typing import Any

from kiosk.backoffice_calls import report_loss_call
from kiosk.backoffice_types import CardStatus
from kiosk.errors import CardAlreadyLost, CardNotFound, KioskError
from kiosk.loss_terms import KIND_SERVICES, api_duration

from .common import (ENTER_IDENTITY, ENTER_SMS_CODE, IDENTITY_REFUSED, ServiceWorkflow, refusal,
                     void_card_refusal)
from .identity import IdentityStep
from .ports import BackOffice, RulePack

CHECKING_CARD = "CheckingCard"
CHOOSE_LOSS_KIND = "ChooseLossKind"
CHOOSE_LOSS_DURATION = "ChooseLossDuration"
CONFIRM_LOSS = "ConfirmLoss"
LOSS_REPORTED = "LossReported"
LOSS_PENDING = "LossPending"



class LossReport(IdentityStep, ServiceWorkflow):
    NAME = "loss_report"
    #: the journal's service: both kinds (the kind is in the steps ``kind_chosen``/``reported``)
    SERVICE = "loss_report"
    INITIAL = ENTER_IDENTITY
    TRANSITIONS = {
        # who: ID number + name, then the code sent to the phone on file
        (ENTER_IDENTITY, "identity_invalid"): ENTER_IDENTITY,
        (ENTER_IDENTITY, "identity_not_verified"): ENTER_IDENTITY,
        (ENTER_IDENTITY, "too_many_attempts"): IDENTITY_REFUSED,
        (ENTER_IDENTITY, "sms_sent"): ENTER_SMS_CODE,
        (ENTER_SMS_CODE, "code_wrong"): ENTER_SMS_CODE,
        (ENTER_SMS_CODE, "sms_sent"): ENTER_SMS_CODE,
        (ENTER_SMS_CODE, "too_many_attempts"): IDENTITY_REFUSED,
        # the card's status decides what can be reported
        (ENTER_SMS_CODE, "identity_verified"): CHECKING_CARD,
        (CHECKING_CARD, "kinds_to_choose"): CHOOSE_LOSS_KIND,
        (CHECKING_CARD, "durations_to_choose"): CHOOSE_LOSS_DURATION,
        (CHECKING_CARD, "nothing_to_choose"): CONFIRM_LOSS,
        (CHOOSE_LOSS_KIND, "kind_chosen"): CONFIRM_LOSS,
        (CHOOSE_LOSS_KIND, "temporary_chosen"): CHOOSE_LOSS_DURATION,
        (CHOOSE_LOSS_DURATION, "duration_chosen"): CONFIRM_LOSS,
        (CHOOSE_LOSS_DURATION, "choose_kind_again"): CHOOSE_LOSS_KIND,
        (CONFIRM_LOSS, "choose_kind_again"): CHOOSE_LOSS_KIND,
        (CONFIRM_LOSS, "choose_duration_again"): CHOOSE_LOSS_DURATION,
        # the report, through the outbox
        (CONFIRM_LOSS, "reported"): LOSS_REPORTED,
        (CONFIRM_LOSS, "pending"): LOSS_PENDING,
    }
    FINAL = frozenset({LOSS_REPORTED, LOSS_PENDING, IDENTITY_REFUSED})
    PENDING = frozenset({LOSS_PENDING})

    def __init__(self, client: BackOffice, pack: RulePack, **kw: Any):
        """Without the card: ``client`` (:class:`~kiosk.backoffice_client.BackOfficeClient`),
        ``pack`` (:class:`~kiosk.policies.RulePack`); ``journal``, ``outbox``,
        ``run_later``, ``today`` as for every :class:`ServiceWorkflow`.

        Refuses to start (:class:`~kiosk.errors.ServiceNotOffered` with the article)
        where the kiosk takes no loss report of any kind.
        """
        kinds = [k for k in pack.value("loss_kinds") if pack.offers(KIND_SERVICES[k]).offered]
        self.kinds = tuple(kinds)
        super().__init__(client, pack, any_of=("temporary_loss", "formal_loss"), **kw)
        self.durations = tuple(pack.value("temporary_loss_durations"))
        self._ssn: str | None = None
        self._name: str | None = None
        self._sms_session = None
        self._card = None
        self._available: tuple[str, ...] = ()
        self.kind: str | None = None
        self.duration: str | None = None
        self.info = {"kinds": self.kinds, "durations": self.durations}

    # --- the card's status ---------------------------------------------------------------
    def _identity_verified(self, method: str) -> None:
        try:
            card = self.client.my_card()
        except CardNotFound as e:
            self._end_with(e)
            return
        self._card = card
        self._identify(card_no=card.card_no)
        self._step("card_status", status=card.status)
        available = self._kinds_for(card)
        if isinstance(available, KioskError):
            self._end_with(available)
            return
        self._available = available
        if len(available) > 1:
            self._go("kinds_to_choose", **self._choice_info())
            return
        self.kind = available[0]
        if self.kind == "temporary" and len(self.durations) > 1:
            self._go("durations_to_choose", **self._choice_info())
            return
        self.duration = self.durations[0] if self.kind == "temporary" else None
        self._go("nothing_to_choose", **self._confirm_info())

    def _kinds_for(self, card: CardStatus) -> tuple[str, ...] | KioskError:
        status = card.status
        void = void_card_refusal(card, self.pack)
        if void is not None:
            return void
        if status == "lost" or (status == "temp_lost" and "formal" not in self.kinds):
            loss = card.loss
            return refusal(CardAlreadyLost, self.pack, status=status,
                           kind=loss.kind if loss else None,
                           since=loss.since.isoformat() if loss and loss.since else None)
        if status == "temp_lost":
            return ("formal",)          # a temporary loss made formal
        return self.kinds

    # --- choices -----------------------------------------------------------------------------
    def choose_kind(self, kind: str) -> None:
        """``temporary`` or ``formal``, among ``info["kinds"]``."""
        if not self._expect(CHOOSE_LOSS_KIND):
            return
        if kind not in self._available:
            raise ValueError(f"loss kind must be one of {self._available}")
        self.kind = kind
        self._step("kind_chosen", kind=kind)
        if kind == "temporary" and len(self.durations) > 1:
            self.duration = None
            self._go("temporary_chosen", **self._choice_info())
            return
        self.duration = self.durations[0] if kind == "temporary" else None
        self._go("kind_chosen", **self._confirm_info())

    def choose_duration(self, duration: str) -> None:
        """One of ``info["durations"]`` (the pack's ``until_lifted``, ``7d``, ``15d``, ``long``)."""
        if not self._expect(CHOOSE_LOSS_DURATION):
            return
        if duration not in self.durations:
            raise ValueError(f"duration must be one of {self.durations}")
        self.duration = duration
        self._step("duration_chosen", duration=duration)
        self._go("duration_chosen", **self._confirm_info())

    def change_choice(self) -> None:
        """Back from the confirmation (or the duration) to the choice before it."""
        if not self._expect(CONFIRM_LOSS, CHOOSE_LOSS_DURATION):
            return
        if self.state == CONFIRM_LOSS and self.kind == "temporary" and len(self.durations) > 1:
            self._go("choose_duration_again", **self._choice_info())
        elif len(self._available) > 1:
            self._go("choose_kind_again", **self._choice_info())
        else:
            raise ValueError("there is nothing else to choose")

    def next_steps(self) -> dict[str, Any]:
        """The kinds still open (a temporary loss can only be made formal), the durations,
        and whether the citizen can go back to choose again."""
        nxt = dict(super().next_steps())
        if self.state == CHOOSE_LOSS_KIND:
            nxt["choices"] = self._available
        elif self.state == CHOOSE_LOSS_DURATION:
            nxt["choices"] = self.durations
            nxt["back"] = len(self._available) > 1
        elif self.state == CONFIRM_LOSS:
            nxt["choose_again"] = (self.kind == "temporary" and len(self.durations) > 1
                                   or len(self._available) > 1)
        return nxt

    # --- the report ----------------------------------------------------------------------------
    def confirm(self) -> None:
        """Report the loss (through the outbox)."""
        if not self._expect(CONFIRM_LOSS):
            return
        call = report_loss_call(self.kind, api_duration(self.duration))
        try:
            result = self._send(call)
        except KioskError as e:
            self._end_with(e)
            return
        if self._went_pending(result, journal={"kind": self.kind}, kind=self.kind,
                              duration=self.duration):
            return
        self._step("reported", status=result.status, kind=self.kind, duration=self.duration)
        loss = result.loss
        self._go("reported", status=result.status, kind=loss.kind if loss else self.kind,
                 duration=self.duration, since=loss.since if loss else None,
                 auto_lift_at=loss.auto_lift_at if loss else None,
                 card_no=result.card_no_masked)

    # --- snapshot info ---------------------------------------------------------------------------
    def _choice_info(self) -> dict[str, Any]:
        return {"kinds": self._available, "durations": self.durations,
                "status": self._card.status if self._card else None,
                "auto_lift_days": {d: self.pack.loss_auto_lift_days(d) for d in self.durations}}

    def _confirm_info(self) -> dict[str, Any]:
        days = self.pack.loss_auto_lift_days(self.duration) if self.kind == "temporary" else None
        articles = {"loss_kinds": self.pack.rule("loss_kinds").article,
                    "temporary_loss_durations": self.pack.rule("temporary_loss_durations").article}
        return {"kind": self.kind, "duration": self.duration, "auto_lift_days": days,
                "status": self._card.status if self._card else None,
                "effect": self.pack.value("temporary_loss_effect") if self.kind == "temporary"
                else None,
                "bank_account_separate": self.pack.value("bank_account_loss_separate"),
                "articles": {k: v for k, v in articles.items() if v}}
