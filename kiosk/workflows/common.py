"""What every citizen service workflow shares, on top of :class:`~kiosk.workflows.base.Workflow`.

:class:`ServiceWorkflow` adds, for the services of ``kiosk/policies`` (``SERVICES``):

- **the rule pack's gate**: :func:`require_offered` raises
  :class:`~kiosk.errors.ServiceNotOffered` carrying the deciding article
  (``.article``, ``details.reason``, ``details.refer_to``) before the citizen
  types anything; a workflow's constructor calls it, so a service the
  jurisdiction does not offer refuses to start (Hainan 第14条 for every PIN service);
- **one more common ending**, ``refused`` → :data:`REFUSED`: the back office
  (or the pack, checked here first) declined for a business reason; the
  snapshot carries ``error``, ``code`` and ``article``;
- **the journal**: one attempt per workflow (``Journal.begin`` at the start,
  steps as they happen, the outcome set from the final state and
  ``Journal.end`` in cleanup): service, outcome, masked card number and ID
  number, durations, error codes; never a PIN, a name or a full number;
- **the outbox** for the writes whose outcome may be unknown (report or lift a
  loss, change the profile, apply for a renewal): :meth:`ServiceWorkflow._send`
  returns the answer or a :class:`~kiosk.journal.PendingOutcome`;
- **cleanup**: wipe secrets (:meth:`ServiceWorkflow.wipe`), end the back-office
  session (``DELETE /v1/sessions/current``), release the sub-workflows and the
  journal attempt. Ending the session is network I/O: ``run_later`` (a
  constructor argument) lets the UI run it on its worker thread instead of the
  thread that cancelled; without it, it runs at once. When a write was left
  pending in the outbox, the outbox replays it once before the session ends
  (``docs/outbox.md``);
- **the race with a cancel**: card and network calls run outside the lock;
  after each, :meth:`ServiceWorkflow._go` fires the next event only if the
  workflow has not ended meanwhile (card pulled, idle timeout, 取消), and a
  session that opened after the end is ended at once.

Two step mixins hold the steps several services share:

- :class:`PinStep`, the holder of the card in the reader: "card + PIN"
  (:data:`ENTER_PIN` → VERIFY on the card → a session opened by the card,
  ``POST /v1/sessions {method: card}``), or, where the pack uses no PIN
  (Hainan 第14条), card + SMS or face for the card's holder; then
  :data:`IDENTIFIED` and :meth:`PinStep._after_card_session`. Its rows are
  :data:`CARD_HOLDER_ROWS`, part of the tables that need them;
- :class:`IdentityStep`, identity without the PIN: SMS (a code sent to the
  phone on file, typed here) or face (JPEG bytes), for the holder of the
  card in the reader (:data:`CHOOSE_IDENTITY_CHECK`) or for a person who
  types an ID number and a name (:data:`ENTER_IDENTITY`) →
  :meth:`IdentityStep._identity_verified`. The PIN reset and unblock take its
  rows from :func:`holder_identity_rows` (they go on to the card, not to
  :data:`IDENTIFIED`) and share :class:`HolderPinService`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, ClassVar, Mapping

from kiosk import validation
from kiosk.errors import (ChallengeFailed, ContractError, IdentityNotVerified, KioskError,
                          PinBlocked, ServiceNotOffered, SessionExpired, TooManyAttempts,
                          ValidationFailed, WrongPin)
from kiosk.pin import Pin

from .base import ANY, InvalidTransition, Workflow
from .card_effect import CardEffects, journal_outcome
from .ports import BackOffice, Journal, Outbox, PinCard, RulePack, RunLater, Today

log = logging.getLogger(__name__)

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")

# the common ending added here, and the states of the shared steps
REFUSED = "Refused"
IDENTIFIED = "Identified"
ENTER_PIN = "EnterPin"
PIN_BLOCKED = "PinBlocked"
CHOOSE_IDENTITY_CHECK = "ChooseIdentityCheck"
ENTER_IDENTITY = "EnterIdentity"
ENTER_SMS_CODE = "EnterSmsCode"
SHOW_FACE = "ShowFace"
IDENTITY_REFUSED = "IdentityRefused"

#: the journal's outcome of the shared steps' endings (a workflow's OUTCOMES add to it)
BASE_OUTCOMES = {PIN_BLOCKED: "refused", IDENTITY_REFUSED: "refused"}
DEFAULT_CODES = {PIN_BLOCKED: "PIN_BLOCKED", IDENTITY_REFUSED: "IDENTITY_NOT_VERIFIED"}

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


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def card_ids(card_info: Any) -> dict[str, str | None]:
    """The journal's ids of a card read (``card_no``, the holder's ``ssn`` if read)."""
    holder = getattr(card_info, "holder", None)
    return {"card_no": card_info.card.card_no if card_info else None,
            "ssn": holder.ssn if holder else None}


# --- the rule pack's gate -------------------------------------------------------------------

def not_offered_error(pack: RulePack, service: str, *, reason: str | None = None,
                      article: str | None = None, **details: Any) -> ServiceNotOffered:
    """The refusal of a service the pack does not offer, with the article that says why."""
    offer = pack.offers(service)
    body = {"service": service, "jurisdiction": pack.jurisdiction,
            "article": article or offer.article, "reason": reason or offer.reason,
            "refer_to": list(getattr(offer, "refer_to", ()) or ())}
    body.update(details)
    return ServiceNotOffered(details={k: v for k, v in body.items() if v not in (None, [])})


def require_offered(pack: RulePack, service: str) -> None:
    """Raise :class:`ServiceNotOffered` (``.article``) unless the pack offers ``service``."""
    if not pack.offers(service).offered:
        raise not_offered_error(pack, service)


def rule_article(pack: RulePack, key: str) -> str | None:
    rule = pack.rule(key)
    return rule.article or getattr(rule, "see", None)


def refusal(cls: type[ContractError], pack: RulePack, *, rule: str | None = None,
            article: str | None = None, **details: Any) -> ContractError:
    """A refusal the kiosk decides itself (before asking), shaped like the back office's."""
    body: dict[str, Any] = {"jurisdiction": pack.jurisdiction, "source": "kiosk"}
    if rule:
        body["rule"] = rule
    article = article or (rule_article(pack, rule) if rule else None)
    if article:
        body["article"] = article
    body.update({k: v for k, v in details.items() if v is not None})
    return cls(code=cls.code, details=body)


def is_refusal(exc: BaseException) -> bool:
    return isinstance(exc, ContractError) and getattr(exc, "refusal", False) is True


def describe_error(exc: BaseException) -> dict[str, Any]:
    """Snapshot info for an ending or a step that went wrong (no personal data)."""
    details = getattr(exc, "details", None) or {}
    info: dict[str, Any] = {"error": exc, "code": getattr(exc, "code", type(exc).__name__)}
    for key in ("article", "reason", "field", "rule", "refer_to", "attempts_left",
                "retry_after_s"):
        if key in details:
            info[key] = details[key]
    return info


# --- the workflow ------------------------------------------------------------------------------

class ServiceWorkflow(Workflow):
    """A citizen service: pack gate, journal, outbox, back-office session, cleanup."""

    #: the pack's service id: the gate (unless ``services``/``any_of`` say otherwise) and the
    #: journal's ``service`` (``loss_report`` covers both loss kinds)
    SERVICE: ClassVar[str]
    #: this workflow's own final states -> the journal's outcome (``ok`` unless listed)
    OUTCOMES: ClassVar[Mapping[str, str]] = {}
    #: final states that leave a write pending in the outbox
    PENDING: ClassVar[frozenset[str]] = frozenset()

    COMMON = {**Workflow.COMMON, (ANY, "refused"): REFUSED}
    COMMON_FINAL = Workflow.COMMON_FINAL | {REFUSED}

    def __init__(self, client: BackOffice | None, pack: RulePack | None, *,
                 journal: Journal | None = None, outbox: Outbox | None = None,
                 run_later: RunLater | None = None, today: Today | None = None,
                 card_no: str | None = None, ssn: str | None = None,
                 services: tuple[str, ...] | None = None,
                 any_of: tuple[str, ...] | None = None):
        super().__init__()
        self.client = client
        self.pack = pack
        self.journal = journal if journal is not None else getattr(outbox, "journal", None)
        self.outbox = outbox
        self._run_later = run_later
        self._today = today or china_today
        self._session_open = False
        self._pending = False
        self._subs: list[Workflow] = []
        self._attempt = None
        # the pack's gate: every one of ``services`` (default: SERVICE), or one of ``any_of``;
        # a kiosk without a rule pack runs only what needs no back office (the PIN change)
        try:
            if pack is None:
                pass
            elif any_of:
                if not any(pack.offers(s).offered for s in any_of):
                    raise not_offered_error(pack, any_of[0])
            else:
                for service in services or (self.SERVICE,):
                    require_offered(pack, service)
        except ServiceNotOffered as exc:
            self._journal_refused_start(exc, card_no, ssn)
            raise
        if self.journal is not None:
            self._attempt = self.journal.begin(self.SERVICE, card_no=card_no, ssn=ssn)

    # --- journal ----------------------------------------------------------------------
    def _journal_refused_start(self, exc: KioskError, card_no: str | None,
                               ssn: str | None) -> None:
        if self.journal is None:
            return
        attempt = self.journal.begin(self.SERVICE, card_no=card_no, ssn=ssn)
        attempt.step("not_offered", article=exc.details.get("article"),
                     reason=exc.details.get("reason"))
        attempt.outcome("refused", exc.code)
        self.journal.end(attempt)

    def _step(self, name: str, **data: Any) -> None:
        """A journal step (no personal data: the journal's guard checks it)."""
        if self._attempt is None:
            return
        from kiosk.journal import JournalPrivacyError

        try:
            self._attempt.step(name, **{k: v for k, v in data.items() if v is not None})
        except JournalPrivacyError:
            raise
        except Exception:  # the journal must not end a citizen's service
            log.exception("%s: could not journal step %s", self.NAME, name)

    def _identify(self, *, card_no: str | None = None, ssn: str | None = None) -> None:
        if self._attempt is None:
            return
        try:
            self._attempt.identify(card_no=card_no, ssn=ssn)
        except Exception:
            log.exception("%s: could not journal the masked ids", self.NAME)

    def _journal_end(self) -> None:
        attempt, self._attempt = self._attempt, None
        if attempt is None:
            return
        from kiosk.journal.journal import error_code_for, outcome_for

        error = self.info.get("error")
        code = error_code_for(error) if isinstance(error, BaseException) else self.info.get("code")
        outcomes = {**BASE_OUTCOMES, **self.OUTCOMES}
        if self.state in self.PENDING:
            outcome, code = "pending", code or "OUTCOME_UNKNOWN"
        elif self.state in outcomes:
            outcome = outcomes[self.state]
            code = code or DEFAULT_CODES.get(self.state)
        elif self.state == "Cancelled":
            outcome = "cancelled"
        elif self.state == "CardRemoved":
            outcome = "card_removed"
        elif self.state == REFUSED:
            outcome = "refused"
        elif self.state == "Failed":
            outcome = outcome_for(error) if isinstance(error, BaseException) else "failed"
        else:
            outcome = "ok"
        outcome, code = journal_outcome(outcome, code if outcome != "ok" else None,
                                        getattr(self, "card_effect", None))
        try:
            attempt.outcome(outcome, code)
            self.journal.end(attempt)
        except Exception:
            log.exception("%s: could not journal the end", self.NAME)

    # --- the back office ------------------------------------------------------------------
    def _send(self, call: Any) -> Any:
        """A write that may end up with an unknown outcome: through the outbox when there is one.

        Returns the parsed answer or a ``PendingOutcome``; a refusal is raised.
        Without an outbox an unknown outcome raises ``OutcomeUnknown`` (→ Failed).
        """
        if self.outbox is not None:
            result = self.outbox.submit(self.client, call, attempt=self._attempt)
            if getattr(result, "pending", False) is True:
                self._pending = True
            return result
        return self.client.perform(call)

    def _went_pending(self, result: Any, *, journal: Mapping[str, Any] | None = None,
                      **info: Any) -> bool:
        """True (journalled, ``pending`` fired) when ``result`` of :meth:`_send` is a
        ``PendingOutcome``; ``journal``: more for the step, ``info``: more for the state."""
        if getattr(result, "pending", False) is not True:
            return False
        self._step("pending", reference=result.reference, **(journal or {}))
        self._go("pending", reference=result.reference, reason=result.reason,
                 operation=result.operation, how_to_check=result.how_to_check, **info)
        return True

    def _session_opened(self) -> bool:
        """Call right after a session was opened: False (and the session ended) if we ended."""
        with self._lock:
            if not self.finished:
                self._session_open = True
                return True
        self._end_session(now=True)
        return False

    def _end_session(self, *, now: bool = False) -> None:
        if self.client.session_token is None:
            self.client.forget_session()     # e.g. an SMS challenge that never finished
            return
        if self._run_later is not None and not now:
            self._run_later(self._end_session_now)
        else:
            self._end_session_now()

    def _end_session_now(self) -> None:
        """``DELETE /v1/sessions/current``; with a write left pending, one replay first
        (``docs/outbox.md``: a request that never arrived then runs while the token lives)."""
        if self._pending and self.outbox is not None:
            try:
                self.outbox.replay(self.client, due_only=False)
            except Exception:
                log.exception("%s: the outbox replay before the end failed", self.NAME)
        try:
            self.client.end_session()
        except Exception:  # end_session already swallows the expected failures
            log.exception("%s: could not end the back-office session", self.NAME)

    # --- firing after I/O ----------------------------------------------------------------
    def _expect(self, *states: str) -> bool:
        """At a citizen's action: True when the workflow is in one of ``states``; False when
        it has ended meanwhile (nothing to do); InvalidTransition otherwise (a caller's bug)."""
        with self._lock:
            if self.state in states:
                return True
            if self.finished:
                return False
        raise InvalidTransition(f"{self.NAME}: not possible in {self.state} "
                                f"(expected {', '.join(states)})")

    def _go(self, event: str, **info: Any) -> bool:
        """Fire ``event`` unless the workflow ended meanwhile; True if fired."""
        with self._lock:
            if self.finished:
                self.wipe()
                return False
            self.fire(event, **info)
            return True

    def _end_with(self, exc: BaseException) -> None:
        """End on ``exc``: a business refusal → Refused, a pulled card → CardRemoved,
        anything else → Failed."""
        with self._lock:
            if self.finished:
                self.wipe()
                return
            self._step("error", code=getattr(exc, "code", type(exc).__name__))
            if is_refusal(exc):
                self.fire("refused", **describe_error(exc))
            elif isinstance(exc, KioskError):
                self.fail(exc)
            else:
                self.fire("failed", error=exc, code=type(exc).__name__)

    # --- the card's PIN -------------------------------------------------------------------------
    def _verify_pin_on_card(self, pin: Pin, state: str) -> bool:
        """VERIFY ``pin`` on ``self.card`` in ``state`` (the PIN wiped whatever happens):
        True when verified; a wrong PIN fires ``pin_wrong`` (``pin_blocked`` at no tries
        left), a blocked one ``pin_blocked``, another error ends the workflow."""
        try:
            expected = self._expect(state)
        finally:
            if self.state != state:
                pin.wipe()
        if not expected:
            return False
        try:
            try:
                self.card.verify_pin(pin)
            finally:
                pin.wipe()
        except WrongPin as e:
            self._step("pin_wrong", tries_left=e.tries_left)
            self._go("pin_blocked" if e.tries_left == 0 else "pin_wrong", tries_left=e.tries_left)
            return False
        except PinBlocked as e:
            self._step("pin_blocked")
            self._go("pin_blocked", error=e, code=e.code)
            return False
        except KioskError as e:
            self._end_with(e)
            return False
        self._step("pin_verified")
        return True

    # --- cleanup -------------------------------------------------------------------------------
    def wipe(self) -> None:
        """Wipe the secrets this workflow holds (PINs); safe to call more than once."""

    def cleanup(self) -> None:
        try:
            self.wipe()
        finally:
            for sub in self._subs:
                if not sub.finished:
                    try:
                        sub.cancel()
                    except Exception:
                        log.exception("%s: could not end a sub-step", self.NAME)
            self._subs.clear()
            # the journal first: a replay of a pending write (below) may settle the attempt
            self._step("end", state=self.state)
            self._journal_end()
            if self._session_open:
                self._session_open = False
                self._end_session()
            elif self.client is not None and self.client.session_token is None:
                self.client.forget_session()


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
    "CARD_HOLDER_ROWS", "CHINA", "CHOOSE_IDENTITY_CHECK", "ENTER_IDENTITY", "ENTER_PIN",
    "ENTER_SMS_CODE", "HolderPinService", "IDENTIFIED", "IDENTITY_METHODS", "IDENTITY_REFUSED",
    "IdentityStep", "PIN_BLOCKED", "PinStep", "REFUSED", "SHOW_FACE", "ServiceWorkflow",
    "card_ids", "china_today", "describe_error",
    "holder_identity_rows", "holder_of", "is_refusal", "not_offered_error", "refusal", "require_offered",
    "rule_article",
]
