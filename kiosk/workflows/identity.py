"""The steps several services share to know who the citizen is.

- :class:`PinStep`, the holder of the card in the reader: "card + PIN"
  (:data:`~kiosk.workflows.common.ENTER_PIN` → VERIFY on the card → a session
  opened by the card, ``POST /v1/sessions {method: card}``), or, where the pack
  uses no PIN (Hainan 第14条), card + SMS or face for the card's holder; then
  :data:`~kiosk.workflows.common.IDENTIFIED` and :meth:`PinStep._after_card_session`.
  Its rows are :data:`CARD_HOLDER_ROWS`, part of the tables that need them;
- :class:`IdentityStep`, identity without the PIN: SMS (a code sent to the
  phone on file, typed here) or face (JPEG bytes), for the holder of the card
  in the reader (``ChooseIdentityCheck``) or for a person who types an ID
  number and a name (``EnterIdentity``) → :meth:`IdentityStep._identity_verified`.
  The PIN reset and unblock take its rows from :func:`holder_identity_rows`
  (they go on to the card, not to ``Identified``) and share :class:`HolderPinService`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from kiosk import validation
from kiosk.errors import (ChallengeFailed, IdentityNotVerified, KioskError, SessionExpired,
                          TooManyAttempts, ValidationFailed)
from kiosk.pin import Pin

from .base import InvalidTransition
from .card_effect import CardEffects
from .common import (CHOOSE_IDENTITY_CHECK, ENTER_IDENTITY, ENTER_PIN, ENTER_SMS_CODE, IDENTIFIED,
                     IDENTITY_REFUSED, PIN_BLOCKED, SHOW_FACE, ServiceWorkflow, describe_error,
                     rule_article)
from .ports import BackOffice, PinCard, RulePack

#: identity methods of ``POST /v1/sessions`` without the card's PIN
IDENTITY_METHODS = ("sms", "face")


def holder_identity_rows(verified: str) -> dict[tuple[str, str], str]:
    """The holder of the card in the reader shows who they are by SMS code or face
    (:data:`CHOOSE_IDENTITY_CHECK`), then ``verified``."""
    return {
        (CHOOSE_IDENTITY_CHECK, "sms_sent"): ENTER_SMS_CODE,
        (CHOOSE_IDENTITY_CHECK, "face_chosen"): SHOW_FACE,
        (CHOOSE_IDENTITY_CHECK, "identity_invalid"): IDENTITY_REFUSED,
        (CHOOSE_IDENTITY_CHECK, "identity_not_verified"): IDENTITY_REFUSED,
        (CHOOSE_IDENTITY_CHECK, "too_many_attempts"): IDENTITY_REFUSED,
        (ENTER_SMS_CODE, "code_wrong"): ENTER_SMS_CODE,
        (ENTER_SMS_CODE, "sms_sent"): ENTER_SMS_CODE,
        (ENTER_SMS_CODE, "too_many_attempts"): IDENTITY_REFUSED,
        (ENTER_SMS_CODE, "other_method"): CHOOSE_IDENTITY_CHECK,
        (ENTER_SMS_CODE, "identity_verified"): verified,
        (SHOW_FACE, "face_refused"): SHOW_FACE,
        (SHOW_FACE, "too_many_attempts"): IDENTITY_REFUSED,
        (SHOW_FACE, "other_method"): CHOOSE_IDENTITY_CHECK,
        (SHOW_FACE, "identity_verified"): verified,
    }


#: identifying the holder of the card in the reader, then :data:`IDENTIFIED` (a session is
#: open; the workflow reads what it needs): card + PIN where the pack uses the PIN, card +
#: SMS code or face where it does not (Hainan 第14条 暂不启用一卡通应用密码)
CARD_HOLDER_ROWS = {
    (ENTER_PIN, "pin_wrong"): ENTER_PIN,
    (ENTER_PIN, "pin_blocked"): PIN_BLOCKED,
    (ENTER_PIN, "pin_verified"): IDENTIFIED,
    **holder_identity_rows(IDENTIFIED),
}


# --- the card's holder: PIN (or SMS/face where no PIN is in use) ---------------------------------

class PinStep:
    """The holder of the card in the reader (:data:`CARD_HOLDER_ROWS`).

    Where the pack uses the PIN: :data:`ENTER_PIN` (``pin_wrong`` stays,
    ``pin_blocked`` → :data:`PIN_BLOCKED`), VERIFY on the card, then a session
    opened by the card (``POST /v1/sessions {method: card}``). Where it does not
    (Hainan 第14条): :data:`CHOOSE_IDENTITY_CHECK`, an SMS code or the face of the
    card's holder (:class:`IdentityStep`). Either way → :data:`IDENTIFIED` and
    :meth:`_after_card_session`.

    The workflow needs ``self.card`` (``verify_pin``) and ``self.card_info`` (a
    :class:`~kiosk.card.CardInfo` read with authentication: ``card_auth_id``,
    ``holder``), and calls :meth:`_begin_holder_check` at the end of ``__init__``.
    """

    card: PinCard
    card_info: Any

    def _begin_holder_check(self: Any) -> None:
        if self.pack.value("pin_in_use"):
            self.state = ENTER_PIN
            self.info = {"max_tries": self.pack.value("pin_max_tries")}
            return
        self._with_card_holder(*holder_of(self.card_info))
        self.state = CHOOSE_IDENTITY_CHECK
        self.info = {"methods": IDENTITY_METHODS, "pin_in_use": False,
                     "article": rule_article(self.pack, "pin_in_use")}

    def enter_pin(self: Any, pin: Pin) -> None:
        """The citizen's current PIN, checked by the card (wiped whatever happens)."""
        if not self._verify_pin_on_card(pin, ENTER_PIN) or self.finished:
            return
        try:
            self.client.open_session_card(self.card_info.card_auth_id)
        except KioskError as e:
            self._end_with(e)
            return
        if not self._session_opened():
            return
        self._step("session_opened", method="card")
        if not self._go("pin_verified"):
            return
        try:
            self._after_card_session()
        except KioskError as e:
            self._end_with(e)

    def _identity_verified(self, method: str) -> None:
        """The card's holder identified by SMS or face (no PIN in use)."""
        self._after_card_session()

    def _after_card_session(self) -> None:  # pragma: no cover - every user overrides it
        raise NotImplementedError


# --- the identity step ---------------------------------------------------------------------

class IdentityStep:
    """Identity without the PIN, by SMS or face.

    With the card (:data:`CHOOSE_IDENTITY_CHECK`): the holder's ID number and
    name come from the card (``self._ssn``, ``self._name``). Without it
    (:data:`ENTER_IDENTITY`): the citizen types them; the check digit is
    checked before anything is sent. Then :data:`ENTER_SMS_CODE` or
    :data:`SHOW_FACE`, and :meth:`_identity_verified`.
    """

    _ssn: str | None
    _name: str | None
    _sms_session: Any

    def next_steps(self: Any) -> Mapping[str, Any]:
        nxt = dict(super().next_steps())
        if self.state == CHOOSE_IDENTITY_CHECK:
            nxt["choices"] = tuple(m for m in self.info.get("methods") or ("sms",)
                                   if m != "face" or self.camera_present)
        elif self.state == ENTER_SMS_CODE:
            nxt["other_method"] = bool((ENTER_SMS_CODE, "other_method") in self.TRANSITIONS
                                       and self.camera_present)
        return nxt

    def _with_card_holder(self, ssn: str, name: str) -> None:
        """Identity for the holder of the card in the reader (who may choose the method)."""
        self._ssn, self._name = ssn, name
        self._sms_session = None
        self._can_choose_method = True

    # -- without the card: who
    def enter_identity(self: Any, ssn: str, name: str) -> None:
        """ID number and name typed by the citizen; an SMS code goes to the phone on file."""
        if not self._expect(ENTER_IDENTITY):
            return
        ssn = validation.normalize_id_number(ssn or "")
        problem = validation.id_number_problem(ssn)
        if problem:
            self._step("identity_invalid", field="ssn", reason=problem)
            self._go("identity_invalid", field="ssn", reason=problem)
            return
        problem = validation.name_problem(name)
        if problem:
            self._step("identity_invalid", field="name", reason=problem)
            self._go("identity_invalid", field="name", reason=problem)
            return
        self._ssn, self._name = ssn, validation.clean_name(name)
        self._identify(ssn=ssn)
        self._send_sms()

    # -- with the card: how
    def choose_sms(self: Any) -> None:
        """Identity by a code sent to the phone on file."""
        if self._expect(CHOOSE_IDENTITY_CHECK):
            self._send_sms()

    def sms_as_the_only_way(self: Any) -> None:
        """The text message chosen for the citizen when it is the only way (no camera:
        nothing to ask); nothing when the workflow has moved on since that snapshot."""
        with self._lock:
            if self.state != CHOOSE_IDENTITY_CHECK:
                return
        self._send_sms()

    def choose_face(self: Any) -> None:
        """Identity by the camera (then :meth:`show_face` with the JPEG of one good frame)."""
        if not self._expect(CHOOSE_IDENTITY_CHECK):
            return
        self._step("face_chosen")
        self._go("face_chosen")

    def other_method(self: Any) -> None:
        """Back to the choice between SMS and face (with the card in the reader)."""
        if not getattr(self, "_can_choose_method", False):
            raise InvalidTransition(f"{self.NAME}: no choice of method without the card")
        if self._expect(ENTER_SMS_CODE, SHOW_FACE):
            self._go("other_method", methods=IDENTITY_METHODS)

    def use_sms_instead(self: Any) -> None:
        """From the face check (or the choice) straight to a text message code: the way
        that is not biometric, always offered beside the face check."""
        if not self._expect(SHOW_FACE, CHOOSE_IDENTITY_CHECK):
            return
        self._step("sms_instead_of_face")
        if self.state == SHOW_FACE:
            # back to the choice, which is made at once (``sms_next``: nothing to ask)
            self._go("other_method", methods=IDENTITY_METHODS, sms_next=True)
        self._send_sms()

    # -- SMS
    def _send_sms(self: Any) -> None:
        try:
            session = self.client.open_session_sms(self._ssn, self._name)
        except ValidationFailed as e:
            # the back office disagrees with the number or name as typed
            self._go("identity_invalid", field=e.field or "ssn", reason=e.reason or "bad_format")
            return
        except IdentityNotVerified as e:
            self._identity_refused(e)
            return
        except TooManyAttempts as e:
            self._too_many_attempts(e)
            return
        except KioskError as e:
            self._end_with(e)
            return
        self._sms_session = session
        self._step("sms_sent")
        self._go("sms_sent", expires_at=session.expires_at)

    def resend_code(self: Any) -> None:
        """A new code (the old one expired or never came)."""
        if self._expect(ENTER_SMS_CODE):
            self._send_sms()

    def enter_sms_code(self: Any, code: str) -> None:
        """The code the citizen received (4 to 8 digits)."""
        if not self._expect(ENTER_SMS_CODE):
            return
        problem = validation.sms_code_problem(code)
        if problem:
            self._go("code_wrong", reason=problem)
            return
        try:
            self.client.verify_sms(self._sms_session.session_id, code)
        except ChallengeFailed as e:
            left = e.details.get("attempts_left")
            self._step("code_wrong", attempts_left=left)
            self._go("code_wrong", reason="wrong_code", attempts_left=left)
            return
        except TooManyAttempts as e:
            self._too_many_attempts(e)
            return
        except SessionExpired as e:
            self._go("code_wrong", reason=e.details.get("reason") or "code_expired")
            return
        except ValidationFailed as e:
            self._go("code_wrong", reason=e.reason or "bad_format")
            return
        except KioskError as e:
            self._end_with(e)
            return
        self._verified("sms")

    # -- face
    def show_face(self: Any, jpeg: bytes) -> None:
        """The camera's JPEG of the citizen's face."""
        if not self._expect(SHOW_FACE):
            return
        if not isinstance(jpeg, (bytes, bytearray)) or not bytes(jpeg[:3]) == b"\xff\xd8\xff":
            self._go("face_refused", reason="not_jpeg")
            return
        try:
            self.client.open_session_face(self._ssn, self._name, bytes(jpeg))
        except IdentityNotVerified as e:
            self._step("face_refused", reason=e.details.get("reason"))
            self._go("face_refused", **describe_error(e))
            return
        except ValidationFailed as e:
            self._go("face_refused", reason=e.reason or "bad_image")
            return
        except TooManyAttempts as e:
            self._too_many_attempts(e)
            return
        except KioskError as e:
            self._end_with(e)
            return
        self._verified("face")

    # -- common
    def _too_many_attempts(self: Any, e: TooManyAttempts) -> None:
        self._step("too_many_attempts", scope=e.details.get("scope"))
        self._go("too_many_attempts", **describe_error(e))

    def _identity_refused(self: Any, e: IdentityNotVerified) -> None:
        """The back office does not know this number with this name."""
        # typed by the citizen: back to EnterIdentity; the card's own holder unknown:
        # IdentityRefused (the table says which)
        self._step("identity_not_verified", reason=e.details.get("reason"))
        self._go("identity_not_verified", **describe_error(e))

    def _verified(self: Any, method: str) -> None:
        if not self._session_opened():
            return
        self._step("identity_verified", method=method)
        self._go("identity_verified", method=method)
        if self.finished:
            return
        try:
            self._identity_verified(method)
        except KioskError as e:
            self._end_with(e)

    def _identity_verified(self, method: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


# --- PIN reset and unblock: the card's holder without the PIN, then the HSM -------------------

class HolderPinService(CardEffects, IdentityStep, ServiceWorkflow):
    """The holder of the card in the reader shows who they are by SMS or face
    (:func:`holder_identity_rows`), then the back office's HSM authorises a PIN
    command on the card (:meth:`_authorize_pin`).

    ``card``: the :class:`~devices.card.ssc.SscCard` in the reader (selected and
    authenticated); ``card_info``: what :func:`~devices.card.ssc.read_card_info`
    read with authentication (holder, ``card_auth_id``).
    """

    INITIAL = CHOOSE_IDENTITY_CHECK
    #: the pack's value naming the identity methods this service requires
    REQUIRES: ClassVar[str]

    def __init__(self, card: PinCard, card_info: Any, client: BackOffice, pack: RulePack,
                 **kw: Any):
        ssn, name = holder_of(card_info)
        super().__init__(client, pack, card_no=card_info.card.card_no, ssn=ssn, **kw)
        self.card = card
        self.card_info = card_info
        self._start_card_effects()
        self._with_card_holder(ssn, name)
        self.info = {"methods": IDENTITY_METHODS,
                     "requires": tuple(pack.value(self.REQUIRES))}

    def _authorize_pin(self, operation: str, challenge: bytes) -> bytes:
        """The HSM's answer to the card's challenge for ``operation`` (the card's MAC4)."""
        return self.client.pin_authorization(operation, self.card_info.card_auth_id, challenge)


def holder_of(card_info: Any) -> tuple[str, str]:
    """The holder's ID number and name from a card read with authentication."""
    holder = getattr(card_info, "holder", None)
    if holder is None or not holder.ssn or not holder.name:
        raise ValueError("the card was read without authentication: no holder data")
    return holder.ssn.strip().upper(), holder.name


__all__ = [
    "CARD_HOLDER_ROWS", "HolderPinService", "IDENTITY_METHODS", "IdentityStep", "PinStep",
    "holder_identity_rows", "holder_of",
]
