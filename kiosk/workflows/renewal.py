"""Applying for a renewed card (换领): card + PIN, a reason, a photo, how the card comes.

The card checks the PIN (where no PIN is in use, Hainan 第14条, the card's holder
shows who they are by SMS or face instead), the back office opens a session; a lost
card is replaced (补领), not renewed (``CARD_ALREADY_LOST``), and one
application runs at a time (``RENEWAL_ALREADY_IN_PROGRESS`` with the running
application): both refused at once. Then:

1. the reason, among the pack's ``renewal_reasons_at_kiosk`` (the regulation's
   ``renewal_reasons`` that a kiosk may take: expiry, damage... Hubei 第23条,
   Sichuan 第21条);
2. the photo (JPEG bytes; the camera and the photo rules come with the photo
   issue; the back office re-checks it: ``PHOTO_INVALID`` with the rule brings
   the citizen back here); a child younger than the pack's
   ``photo_exempt_below_age`` (7: Hubei 第11条, Hainan 第5条, Sichuan 第10条)
   may skip it;
3. pickup at the outlet, or mail to an address (the one on record, or typed:
   :func:`kiosk.validation.address_problem`, rare characters included);
4. the confirmation; the application (``POST /v1/me/renewals``) goes through the
   outbox, and the citizen gets the application number, the expected day and
   the outlet.
"""

from __future__ import annotations

from typing import Any

from kiosk import validation
from kiosk.backoffice_calls import ApiCall, apply_renewal_call
from kiosk.backoffice_types import LOST_CARD_STATUSES
from kiosk.errors import (CardAlreadyLost, KioskError, PhotoInvalid, RenewalAlreadyInProgress,
                          ValidationFailed)

from .common import (ENTER_PIN, IDENTIFIED, IDENTITY_REFUSED, PIN_BLOCKED, ServiceWorkflow,
                     card_ids, describe_error, refusal, rule_article, void_card_refusal)
from .identity import CARD_HOLDER_ROWS, IdentityStep, PinStep
from .ports import BackOffice, PinCard, RulePack

CHOOSE_REASON = "ChooseReason"
TAKE_PHOTO = "TakePhoto"
CHOOSE_DELIVERY = "ChooseDelivery"
ENTER_MAILING_ADDRESS = "EnterMailingAddress"
CONFIRM_RENEWAL = "ConfirmRenewal"
RENEWAL_APPLIED = "RenewalApplied"
RENEWAL_PENDING = "RenewalPending"

DELIVERIES = ("pickup", "mail")
#: the last production stage: an application there is finished
FINAL_STAGE = "collected"


class Renewal(PinStep, IdentityStep, ServiceWorkflow):
    NAME = "renewal"
    SERVICE = "renewal"
    INITIAL = ENTER_PIN
    TRANSITIONS = {
        # the card's holder: card + PIN (card + SMS or face where no PIN is in use)
        **CARD_HOLDER_ROWS,
        # a card that can be renewed now
        (IDENTIFIED, "renewal_possible"): CHOOSE_REASON,
        # why
        (CHOOSE_REASON, "reason_chosen"): TAKE_PHOTO,
        # the photo (a young child may skip it)
        (TAKE_PHOTO, "photo_taken"): CHOOSE_DELIVERY,
        (TAKE_PHOTO, "photo_skipped"): CHOOSE_DELIVERY,
        (TAKE_PHOTO, "photo_refused"): TAKE_PHOTO,
        # how the card comes
        (CHOOSE_DELIVERY, "pickup_chosen"): CONFIRM_RENEWAL,
        (CHOOSE_DELIVERY, "mail_chosen"): ENTER_MAILING_ADDRESS,
        (ENTER_MAILING_ADDRESS, "address_invalid"): ENTER_MAILING_ADDRESS,
        (ENTER_MAILING_ADDRESS, "address_entered"): CONFIRM_RENEWAL,
        # confirm, or start the choices again
        (CONFIRM_RENEWAL, "start_over"): CHOOSE_REASON,
        (CONFIRM_RENEWAL, "applied"): RENEWAL_APPLIED,
        (CONFIRM_RENEWAL, "pending"): RENEWAL_PENDING,
        (CONFIRM_RENEWAL, "photo_refused"): TAKE_PHOTO,           # the back office's check
        (CONFIRM_RENEWAL, "address_invalid"): ENTER_MAILING_ADDRESS,
    }
    FINAL = frozenset({RENEWAL_APPLIED, RENEWAL_PENDING, PIN_BLOCKED, IDENTITY_REFUSED})
    PENDING = frozenset({RENEWAL_PENDING})

    def __init__(self, card: PinCard, card_info: Any, client: BackOffice, pack: RulePack,
                 **kw: Any):
        """``card`` and ``card_info`` as for :class:`~kiosk.workflows.loss_lift.LossLift`;
        the holder's birth date (``card_info.holder``) decides the photo exemption."""
        super().__init__(client, pack, **card_ids(card_info), **kw)
        self.card = card
        self.card_info = card_info
        self.reasons: tuple[str, ...] = tuple(pack.value("renewal_reasons_at_kiosk"))
        self.reason: str | None = None
        self.photo: bytes | None = None
        self.delivery: str | None = None
        self.mailing_address: str | None = None
        self._on_record: str | None = None
        self._expires_on = None
        self._begin_holder_check()

    # --- is a renewal possible now? -----------------------------------------------------
    def _after_card_session(self) -> None:
        card = self.client.my_card()
        self._step("card_status", status=card.status)
        if card.loss is not None or card.status in LOST_CARD_STATUSES:
            self._end_with(refusal(CardAlreadyLost, self.pack, status=card.status,
                                   kind=card.loss.kind if card.loss else None,
                                   next_step="replacement"))
            return
        void = void_card_refusal(card, self.pack)
        if void is not None:
            self._end_with(void)
            return
        running = [a for a in self.client.my_applications() if a.current_stage != FINAL_STAGE]
        if running:
            app = running[0]
            self._end_with(refusal(RenewalAlreadyInProgress, self.pack,
                                   application_id=app.application_id, kind=app.kind,
                                   current_stage=app.current_stage,
                                   expected_by=app.expected_by.isoformat()
                                   if app.expected_by else None))
            return
        profile = self.client.my_profile()
        self._on_record = profile.mailing_address or profile.address
        self._expires_on = card.expires_on
        self._go("renewal_possible", **self._reason_info())

    # --- the citizen's choices ---------------------------------------------------------------
    def choose_reason(self, reason: str) -> None:
        """One of ``info["reasons"]`` (the pack's ``renewal_reasons_at_kiosk``)."""
        if not self._expect(CHOOSE_REASON):
            return
        if reason not in self.reasons:
            raise ValueError(f"reason must be one of {self.reasons}")
        self.reason = reason
        self._step("reason_chosen", reason=reason)
        self._go("reason_chosen", **self._photo_info())

    @property
    def photo_exempt(self) -> bool:
        """Younger than the pack's ``photo_exempt_below_age`` (on the holder's birth date)."""
        holder = getattr(self.card_info, "holder", None)
        born = getattr(holder, "birth_date", None)
        if born is None:
            return False
        today = self._today()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return age < int(self.pack.value("photo_exempt_below_age"))

    def take_photo(self, jpeg: bytes) -> None:
        """The photo's JPEG bytes (checked again by the back office)."""
        if not self._expect(TAKE_PHOTO):
            return
        if not isinstance(jpeg, (bytes, bytearray)) or bytes(jpeg[:3]) != b"\xff\xd8\xff":
            self._go("photo_refused", **self._photo_info(), reason="not_jpeg")
            return
        self.photo = bytes(jpeg)
        self._step("photo_taken", kb=len(jpeg) // 1024)
        self._go("photo_taken", **self._delivery_info())

    def skip_photo(self) -> None:
        """Only for a child younger than the pack's ``photo_exempt_below_age``."""
        if not self._expect(TAKE_PHOTO):
            return
        if not self.photo_exempt:
            self._go("photo_refused", **self._photo_info(), reason="photo_required")
            return
        self.photo = None
        self._step("photo_skipped")
        self._go("photo_skipped", **self._delivery_info())

    def choose_delivery(self, delivery: str, *, then_confirm: bool = False) -> None:
        """``pickup`` at the outlet, or ``mail``; ``then_confirm``: pickup and apply in one
        tap (提交申请（到网点领取）), the confirmation's snapshot says ``confirming``."""
        if not self._expect(CHOOSE_DELIVERY):
            return
        if delivery not in DELIVERIES:
            raise ValueError(f"delivery must be one of {DELIVERIES}")
        self.delivery = delivery
        self._step("delivery_chosen", delivery=delivery)
        if delivery == "pickup":
            self.mailing_address = None
            confirming = {"confirming": True} if then_confirm else {}
            if self._go("pickup_chosen", **self._confirm_info(), **confirming) and then_confirm:
                self.confirm()
        else:
            self._go("mail_chosen", on_record=self._on_record)

    def apply_with_pickup(self) -> None:
        """提交申请（到网点领取）: pickup at the outlet and apply, in one tap."""
        self.choose_delivery("pickup", then_confirm=True)

    def enter_mailing_address(self, address: str | None = None) -> None:
        """Where to mail the card; None: the address on record (``info["on_record"]``)."""
        if not self._expect(ENTER_MAILING_ADDRESS):
            return
        value = address if address is not None else self._on_record
        problem = validation.address_problem(value)
        if problem:
            self._go("address_invalid", on_record=self._on_record, field="mailing_address",
                     reason=problem)
            return
        self.mailing_address = validation.clean_address(value)
        self._go("address_entered", **self._confirm_info())

    def start_over(self) -> None:
        """From the confirmation back to the reason."""
        if self._expect(CONFIRM_RENEWAL):
            self._go("start_over", **self._reason_info())

    # --- the application -------------------------------------------------------------------------
    def confirm(self) -> None:
        """Apply (through the outbox)."""
        if not self._expect(CONFIRM_RENEWAL):
            return
        try:
            result = self._send(self._call())
        except PhotoInvalid as e:
            self._step("photo_refused", rule=e.rule)
            self.photo = None
            self._go("photo_refused", **self._photo_info(), **describe_error(e))
            return
        except ValidationFailed as e:
            if e.field == "mailing_address":
                self._go("address_invalid", on_record=self._on_record, **describe_error(e))
            elif e.field == "photo_jpeg_b64":
                self.photo = None
                self._go("photo_refused", **self._photo_info(), **describe_error(e))
            else:
                self._end_with(e)
            return
        except KioskError as e:
            self._end_with(e)
            return
        if self._went_pending(result):
            return
        self._step("applied", application_id=result.application_id)
        self._go("applied", application_id=result.application_id, kind=result.kind,
                 current_stage=result.current_stage, expected_by=result.expected_by,
                 outlet=result.outlet, delivery=result.delivery)

    def _call(self) -> ApiCall:
        mailing = self.mailing_address if self.delivery == "mail" else None
        # photo None: ``photo_jpeg_b64: null``, a child below the pack's photo age
        return apply_renewal_call(self.reason, self.photo, self.delivery, mailing)

    # --- snapshot info ---------------------------------------------------------------------
    def _reason_info(self) -> dict[str, Any]:
        return {"reasons": self.reasons, "expires_on": self._expires_on,
                "article": rule_article(self.pack, "renewal_reasons_at_kiosk")}

    def _photo_info(self) -> dict[str, Any]:
        return {"photo_exempt": self.photo_exempt, "photo_rules": self.pack.value("photo"),
                "exempt_below_age": self.pack.value("photo_exempt_below_age")}

    def _delivery_info(self) -> dict[str, Any]:
        return {"deliveries": DELIVERIES, "on_record": self._on_record, "reason": self.reason,
                "photo": self.photo is not None}

    def _confirm_info(self) -> dict[str, Any]:
        return {"reason": self.reason, "photo": self.photo is not None,
                "photo_kb": len(self.photo) // 1024 if self.photo else None,
                "delivery": self.delivery, "mailing_address": self.mailing_address,
                "production_working_days": self.pack.value("production_working_days")}

    def wipe(self) -> None:
        self.photo = None       # a face is personal data: not kept after the end
