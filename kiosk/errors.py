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


class OutcomeUnknown(BackOfficeUnavailable):
    """A request may or may not have taken effect (timeout after sending)."""

    code = "OUTCOME_UNKNOWN"


class CardNotGenuine(BackOfficeError):
    code = "CARD_NOT_GENUINE"
