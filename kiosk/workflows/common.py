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
- **cleanup**, the same for every service: wipe secrets (:meth:`ServiceWorkflow.wipe`),
  end the journal attempt, then end the back-office session
  (``DELETE /v1/sessions/current``). Ending the session is network I/O: ``run_later`` (a
  constructor argument) lets the UI run it on its worker thread instead of the
  thread that cancelled; without it, it runs at once. When a write was left
  pending in the outbox, the outbox replays it once before the session ends
  (``docs/outbox.md``);
- **the race with a cancel**: card and network calls run outside the lock;
  after each, :meth:`ServiceWorkflow._go` fires the next event only if the
  workflow has not ended meanwhile (card pulled, idle timeout, 取消), and a
  session that opened after the end is ended at once.

The steps several services share to know who the citizen is (card + PIN, SMS,
face) are in ``identity.py``; the new PIN in ``new_pin.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, ClassVar, Mapping

from kiosk.errors import (CardCancelled, CardReplaced, ContractError, KioskError, PinBlocked,
                          ServiceNotOffered, WrongPin)
from kiosk.backoffice_types import CardStatus
from kiosk.journal.journal import ServiceAttempt
from kiosk.pin import Pin

from .base import ANY, InvalidTransition, Workflow
from .card_effect import journal_outcome
from .new_pin import wrong_pin_event
from .ports import BackOffice, Journal, Outbox, RulePack, RunLater, Today

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


def void_card_refusal(card: CardStatus, pack: RulePack) -> ContractError | None:
    """The refusal for a card that is no longer the citizen's (``replaced``, ``cancelled``:
    :data:`~kiosk.backoffice_types.VOID_CARD_STATUSES`), else None."""
    if card.status == "cancelled":
        return refusal(CardCancelled, pack, status=card.status)
    if card.status == "replaced":
        return refusal(CardReplaced, pack, status=card.status)
    return None


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
                 any_of: tuple[str, ...] | None = None, camera_present: bool = True):
        super().__init__()
        #: a camera is present: the face check is offered beside the SMS code
        self.camera_present = camera_present
        self.client = client
        self.pack = pack
        self.journal = journal if journal is not None else getattr(outbox, "journal", None)
        self.outbox = outbox
        self._run_later = run_later
        self._today = today or china_today
        self._session_open = False
        self._pending = False
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
        if self.journal is not None:    # raises when the journal cannot be written: no start
            self._attempt = ServiceAttempt.begin(self.journal, self.SERVICE, card_no=card_no,
                                                 ssn=ssn)

    def next_steps(self) -> Mapping[str, Any]:
        nxt: dict[str, Any] = {}
        if self.state == REFUSED and self.info.get("article"):
            nxt["article"] = self.info["article"]
        if self.info.get("tries_left") is not None:
            nxt["tries_left"] = self.info["tries_left"]
        return nxt

    # --- journal ----------------------------------------------------------------------
    def _journal_refused_start(self, exc: KioskError, card_no: str | None,
                               ssn: str | None) -> None:
        if self.journal is None:
            return
        attempt = ServiceAttempt.begin(self.journal, self.SERVICE, card_no=card_no, ssn=ssn)
        attempt.step("not_offered", article=exc.details.get("article"),
                     reason=exc.details.get("reason"))
        attempt.end("refused", exc.code)

    def _step(self, name: str, **data: Any) -> None:
        """A journal step (no personal data: the journal's guard checks it)."""
        if self._attempt is not None:
            self._attempt.step(name, **data)

    def _identify(self, *, card_no: str | None = None, ssn: str | None = None) -> None:
        if self._attempt is not None:
            self._attempt.identify(card_no=card_no, ssn=ssn)

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
        attempt.end(outcome, code)

    # --- the back office ------------------------------------------------------------------
    def _send(self, call: Any) -> Any:
        """A write that may end up with an unknown outcome: through the outbox when there is one.

        Returns the parsed answer or a ``PendingOutcome``; a refusal is raised.
        Without an outbox an unknown outcome raises ``OutcomeUnknown`` (→ Failed).
        """
        if self.outbox is not None:
            result = self.outbox.submit(self.client, call,
                                        attempt=self._attempt.record if self._attempt else None)
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

    def _expect_secret(self, state: str, *secrets: Pin) -> bool:
        """:meth:`_expect` for an action that hands over PINs: unless it is taken in
        ``state``, they are wiped (False when the workflow has ended, else the error)."""
        expected = False
        try:
            expected = self._expect(state)
        finally:
            if not expected:
                for secret in secrets:
                    secret.wipe()
        return expected

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
        if not self._expect_secret(state, pin):
            return False
        try:
            try:
                self.card.verify_pin(pin)
            finally:
                pin.wipe()
        except WrongPin as e:
            self._step("pin_wrong", tries_left=e.tries_left)
            self._go(wrong_pin_event(e.tries_left), tries_left=e.tries_left)
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
        """The same for every service, in this order: wipe the secrets; end the journal
        attempt (first: the outbox's replay below may settle it); settle the outbox and
        end the back-office session."""
        try:
            self.wipe()
        finally:
            self._step("end", state=self.state)
            self._journal_end()
            self._end_back_office()

    def _end_back_office(self) -> None:
        """A session that was opened ends (after one replay of a write left pending);
        a challenge that never became a session is forgotten."""
        if self._session_open:
            self._session_open = False
            self._end_session()
        elif self.client is not None and self.client.session_token is None:
            self.client.forget_session()


__all__ = [
    "CHINA", "CHOOSE_IDENTITY_CHECK", "ENTER_IDENTITY", "ENTER_PIN", "ENTER_SMS_CODE",
    "IDENTIFIED", "IDENTITY_REFUSED", "PIN_BLOCKED", "REFUSED", "SHOW_FACE", "ServiceWorkflow",
    "card_ids", "china_today", "describe_error", "is_refusal", "not_offered_error", "refusal",
    "require_offered", "rule_article", "void_card_refusal",
]
