"""Typed errors of the core.

Devices and the back-office client raise these; only the UI turns them into
sentences (see ``ui/messages.py``), and the command line prints ``str(error)``,
which is a one-line English description that never contains a PIN.
"""

from __future__ import annotations


class KioskError(Exception):
    """Base of every error the kiosk expects and explains."""

    #: stable identifier used for translations, the journal and ``--json`` output
    code = "KIOSK_ERROR"


# --- card and reader --------------------------------------------------------

class CardError(KioskError):
    code = "CARD_ERROR"


class ReaderServiceDown(CardError):
    """The PC/SC service (pcscd) is not running or not reachable."""

    code = "READER_SERVICE_DOWN"


class NoReader(CardError):
    """No card reader is connected (or the named one is absent)."""

    code = "NO_READER"


class NoCard(CardError):
    """The reader holds no card."""

    code = "NO_CARD"


class CardRemoved(CardError):
    """The card left the reader (or the reader vanished) during a command."""

    code = "CARD_REMOVED"


class CardTimeout(CardError):
    """The card did not answer within the allowed time."""

    code = "CARD_TIMEOUT"


class CardNotServed(CardError):
    """Not a third-generation SM4 social security card: go to the counter."""

    code = "CARD_NOT_SERVED"

    def __init__(self, message: str, *, reason: str, algorithm: int | None = None):
        super().__init__(message)
        #: ``no_ssc_application`` | ``algorithm`` | ``bad_fci``
        self.reason = reason
        self.algorithm = algorithm


class CardProtocolError(CardError):
    """The card answered something the profile does not allow."""

    code = "CARD_PROTOCOL_ERROR"

    def __init__(self, message: str, *, sw: int | None = None):
        super().__init__(message)
        self.sw = sw


class NotAuthenticated(CardError):
    """A guarded record was read before authentication (69 82)."""

    code = "CARD_NOT_AUTHENTICATED"


class TerminalNotAuthorised(CardError):
    """The card refused the external authentication (63 00)."""

    code = "TERMINAL_NOT_AUTHORISED"


class MacRefused(CardError):
    """The card refused the MAC of a RESET or UNBLOCK (69 88)."""

    code = "MAC_REFUSED"


class ApplicationLocked(CardError):
    """The application is locked for good (93 03)."""

    code = "APPLICATION_LOCKED"


class WrongPin(CardError):
    code = "WRONG_PIN"

    def __init__(self, tries_left: int):
        super().__init__(f"wrong PIN, {tries_left} tries left")
        self.tries_left = tries_left


class PinBlocked(CardError):
    code = "PIN_BLOCKED"

    def __init__(self, message: str = "the PIN is blocked"):
        super().__init__(message)


class WeakPin(KioskError):
    """A new PIN the citizen chose is refused before anything is sent."""

    code = "WEAK_PIN"

    def __init__(self, reason: str):
        # reason: not_six_digits | initial_pin | all_same | sequence | mismatch
        super().__init__(f"the new PIN is not allowed ({reason})")
        self.reason = reason


# --- the journal --------------------------------------------------------------

class JournalUnavailable(KioskError):
    """The journal could not be written (disk full, read-only, an I/O error, a damaged file).

    No service starts while the kiosk cannot record what it does; the kiosk shows it is
    out of service and checks again (``docs/journal.md``). ``reason`` is one of
    :data:`kiosk.journal.health.REASONS`.
    """

    code = "JOURNAL_UNAVAILABLE"

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(message or f"the journal cannot be written ({reason.replace('_', ' ')})")
        self.reason = reason


# --- back office ------------------------------------------------------------

class BackOfficeError(KioskError):
    """An error answer of the back office (``{"error": {"code": ...}}``)."""

    code = "BACKOFFICE_ERROR"

    def __init__(self, message: str, *, code: str | None = None,
                 http_status: int | None = None, details: dict | None = None):
        super().__init__(message)
        if code:
            self.code = code
        self.http_status = http_status
        self.details = details or {}


class BackOfficeUnavailable(BackOfficeError):
    """The back office could not be reached or did not answer in time."""

    code = "BACKOFFICE_UNAVAILABLE"


class BackOfficeTimeout(BackOfficeUnavailable):
    """A read got no whole answer within its deadline (the back office is too slow or
    trickles its answer); nothing was changed."""

    code = "BACKOFFICE_TIMEOUT"


class OutcomeUnknown(BackOfficeUnavailable):
    """A request may or may not have taken effect (timeout after sending)."""

    code = "OUTCOME_UNKNOWN"


class CardNotGenuine(BackOfficeError):
    code = "CARD_NOT_GENUINE"


# --- back office: one class per contract code (``backoffice-api.md``, "Errors") ------
#
# The client maps codes to these classes in ONE table
# (``kiosk.backoffice_answers.ERROR_CLASSES``). ``str()`` of each is a fixed short
# English summary: the server's own message is kept in ``.server_message`` only
# (it may echo what was sent), never shown or logged.

class ContractError(BackOfficeError):
    """Base of the contract's error codes; ``str()`` is the class's fixed ``summary``."""

    code = "CONTRACT_ERROR"
    summary = "the back office refused the request"
    #: True when the back office understood the request and declined it for a
    #: business reason (the journal records ``refused``, not ``failed``)
    refusal = False

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 http_status: int | None = None, details: dict | None = None,
                 server_message: str | None = None):
        super().__init__(message or self._summary_for(details or {}), code=code,
                         http_status=http_status, details=details)
        self.server_message = server_message

    def _summary_for(self, details: dict) -> str:
        return self.summary

    @property
    def article(self) -> str | None:
        """The regulation's article a refusal rests on (``details.article``), or None."""
        value = self.details.get("article")
        return value if isinstance(value, str) and value else None


class Refusal(ContractError):
    """A business refusal: nothing happened, and the citizen can be told why."""

    refusal = True


class BadSignature(ContractError):
    code = "BAD_SIGNATURE"
    summary = "the back office refused this kiosk's signature"


class ClockSkew(ContractError):
    code = "CLOCK_SKEW"
    summary = "this kiosk's clock differs too much from the back office's"

    @property
    def server_time(self) -> str | None:
        return self.details.get("server_time")

    @property
    def skew_s(self) -> int | None:
        return self.details.get("skew_s")


class SessionExpired(ContractError):
    code = "SESSION_EXPIRED"
    summary = "the citizen session has expired or was ended"


class NoSession(SessionExpired):
    """Raised by the client itself: a citizen operation without a verified session."""

    summary = "no verified citizen session is open"


class ValidationFailed(ContractError):
    code = "VALIDATION_FAILED"
    summary = "the back office refused a value"

    @property
    def field(self) -> str | None:
        value = self.details.get("field")
        return value if isinstance(value, str) else None

    @property
    def reason(self) -> str | None:
        value = self.details.get("reason")
        return value if isinstance(value, str) else None

    def _summary_for(self, details: dict) -> str:
        field = details.get("field")
        if isinstance(field, str) and field.isascii() and len(field) <= 64:
            return f"the back office refused the value of {field}"
        return self.summary


class IdentityNotVerified(Refusal):
    code = "IDENTITY_NOT_VERIFIED"
    summary = "the citizen's identity could not be verified"


class CardNotFound(Refusal):
    code = "CARD_NOT_FOUND"
    summary = "the back office has no such card"


class CardAlreadyLost(Refusal):
    code = "CARD_ALREADY_LOST"
    summary = "the card is already reported lost"


class CardNotLost(Refusal):
    code = "CARD_NOT_LOST"
    summary = "the card is not reported lost"


class CardCancelled(Refusal):
    code = "CARD_CANCELLED"
    summary = "the card has been cancelled"


class CardReplaced(Refusal):
    code = "CARD_REPLACED"
    summary = "the card has been replaced by a newer card"


class FormalLossNotLiftable(Refusal):
    code = "FORMAL_LOSS_NOT_LIFTABLE"
    summary = "a formal loss cannot be lifted in this jurisdiction"


class ServiceNotOffered(Refusal):
    code = "SERVICE_NOT_OFFERED"
    summary = "this service is not offered in this jurisdiction"


class KeyFieldChangeRequiresRenewal(Refusal):
    code = "KEY_FIELD_CHANGE_REQUIRES_RENEWAL"
    summary = "a key field can only change through a card renewal"

    @property
    def field(self) -> str | None:
        value = self.details.get("field")
        return value if isinstance(value, str) else None


class PhotoInvalid(Refusal):
    code = "PHOTO_INVALID"
    summary = "the photo does not meet the rules"

    @property
    def rule(self) -> str | None:
        value = self.details.get("rule")
        return value if isinstance(value, str) else None

    def _summary_for(self, details: dict) -> str:
        rule = details.get("rule")
        if isinstance(rule, str) and rule.isascii() and len(rule) <= 64:
            return f"the photo does not meet the rules ({rule})"
        return self.summary


class RenewalAlreadyInProgress(Refusal):
    code = "RENEWAL_ALREADY_IN_PROGRESS"
    summary = "a renewal is already in progress"


class ChallengeFailed(Refusal):
    code = "CHALLENGE_FAILED"
    summary = "the identity challenge failed"


class TooManyAttempts(Refusal):
    code = "TOO_MANY_ATTEMPTS"
    summary = "too many attempts; try again later"


# --- maintenance mode (an extension of the contract, ``docs/maintenance.md``) ----------

class TechnicianNotVerified(Refusal):
    """The technician's credentials were refused (by the back office or the kiosk's
    local fallback); never says which part was wrong."""

    code = "TECHNICIAN_NOT_VERIFIED"
    summary = "the technician could not be verified"


class MaintenanceLocked(TooManyAttempts):
    """Entering maintenance mode is locked after failures in a row, until ``locked_until``.

    Raised by :mod:`kiosk.maintenance.access` for the kiosk's own lock (``scope``
    ``kiosk``) and for the back office's lock of the account or the kiosk.
    """

    summary = "maintenance mode is locked after too many failed attempts"

    @property
    def scope(self) -> str | None:
        value = self.details.get("scope")
        return value if isinstance(value, str) else None

    @property
    def locked_until(self):
        """The lock's end (aware UTC datetime), or None when unknown."""
        from .backoffice_types import time_or_none

        return time_or_none(self.details.get("locked_until"))


class MaintenanceNotActive(KioskError):
    """A maintenance action without a live grant (it was exited or it expired)."""

    code = "MAINTENANCE_NOT_ACTIVE"


class IdempotencyKeyReused(ContractError):
    code = "IDEMPOTENCY_KEY_REUSED"
    summary = "an idempotency key was reused for a different request"


class IdempotencyKeyInUse(ContractError):
    """Not in the contract's list: a request with the same key is still running."""

    code = "IDEMPOTENCY_KEY_IN_USE"
    summary = "the same request is still being processed"


class RateLimited(ContractError):
    code = "RATE_LIMITED"
    summary = "the back office asks this kiosk to slow down"


class Internal(ContractError):
    code = "INTERNAL"
    summary = "the back office had an internal error"

    @property
    def request_id(self) -> str | None:
        value = self.details.get("request_id")
        return value if isinstance(value, str) else None


class ReplayTooOld(ContractError):
    """``401 REPLAY_TOO_OLD`` (docs/outbox.md): an outbox replay after the session ended came
    later than the back office completes such requests; ``details.outcome`` is ``not_done``
    (nothing happened under the key, and now nothing will) or ``unknown``."""

    code = "REPLAY_TOO_OLD"
    summary = "the request was made too long ago to be completed now"

    @property
    def not_done(self) -> bool:
        return self.details.get("outcome") == "not_done"


class EndpointNotFound(ContractError):
    """``404 NOT_FOUND``: the back office does not know this endpoint (version mismatch)."""

    code = "NOT_FOUND"
    summary = "the back office does not offer this endpoint"
