"""What the back office's answers mean: the body of a 2xx, or the typed error of any other.

The one place contract error codes become exception classes (:data:`ERROR_CLASSES`);
an answer that is not the contract's shape, or whose Content-Type is not JSON, is
``BackOfficeError(code="MALFORMED_RESPONSE")``. ``str()`` of an error never carries the
server's message (it may echo personal data).
"""

from __future__ import annotations

import json
from typing import Any, Callable

import requests

from .backoffice_types import ShapeError
from .errors import (BackOfficeError, BackOfficeUnavailable, BadSignature, CardAlreadyLost,
                     CardCancelled, CardNotFound, CardNotGenuine, CardNotLost, CardReplaced,
                     ChallengeFailed, ClockSkew, ContractError, EndpointNotFound,
                     FormalLossNotLiftable, IdempotencyKeyInUse, IdempotencyKeyReused,
                     IdentityNotVerified, Internal, KeyFieldChangeRequiresRenewal,
                     PhotoInvalid, RateLimited, RenewalAlreadyInProgress, ReplayTooOld,
                     ServiceNotOffered, SessionExpired, TechnicianNotVerified, TooManyAttempts,
                     ValidationFailed)

#: contract error code -> exception class: the one place codes become types
ERROR_CLASSES: dict[str, type[BackOfficeError]] = {
    "BAD_SIGNATURE": BadSignature,
    "CLOCK_SKEW": ClockSkew,
    "SESSION_EXPIRED": SessionExpired,
    "VALIDATION_FAILED": ValidationFailed,
    "IDENTITY_NOT_VERIFIED": IdentityNotVerified,
    "CARD_NOT_GENUINE": CardNotGenuine,
    "CARD_NOT_FOUND": CardNotFound,
    "CARD_ALREADY_LOST": CardAlreadyLost,
    "CARD_NOT_LOST": CardNotLost,
    "CARD_CANCELLED": CardCancelled,
    "CARD_REPLACED": CardReplaced,
    "FORMAL_LOSS_NOT_LIFTABLE": FormalLossNotLiftable,
    "SERVICE_NOT_OFFERED": ServiceNotOffered,
    "KEY_FIELD_CHANGE_REQUIRES_RENEWAL": KeyFieldChangeRequiresRenewal,
    "PHOTO_INVALID": PhotoInvalid,
    "RENEWAL_ALREADY_IN_PROGRESS": RenewalAlreadyInProgress,
    "CHALLENGE_FAILED": ChallengeFailed,
    "TOO_MANY_ATTEMPTS": TooManyAttempts,
    "IDEMPOTENCY_KEY_REUSED": IdempotencyKeyReused,
    "RATE_LIMITED": RateLimited,
    "INTERNAL": Internal,
    # the maintenance extension (docs/maintenance.md)
    "TECHNICIAN_NOT_VERIFIED": TechnicianNotVerified,
    # the late replay of an outbox entry (docs/outbox.md)
    "REPLAY_TOO_OLD": ReplayTooOld,
    # not in the contract's list, but answered by the reference back office
    "IDEMPOTENCY_KEY_IN_USE": IdempotencyKeyInUse,
    "NOT_FOUND": EndpointNotFound,
}

#: the contract's codes (``backoffice-api.md``, "Errors"): every one has its class above
CONTRACT_CODES = frozenset({
    "BAD_SIGNATURE", "CLOCK_SKEW", "SESSION_EXPIRED", "VALIDATION_FAILED",
    "IDENTITY_NOT_VERIFIED", "CARD_NOT_GENUINE", "CARD_NOT_FOUND", "CARD_ALREADY_LOST",
    "CARD_NOT_LOST", "CARD_CANCELLED", "CARD_REPLACED", "FORMAL_LOSS_NOT_LIFTABLE",
    "SERVICE_NOT_OFFERED", "KEY_FIELD_CHANGE_REQUIRES_RENEWAL", "PHOTO_INVALID",
    "RENEWAL_ALREADY_IN_PROGRESS", "CHALLENGE_FAILED", "TOO_MANY_ATTEMPTS",
    "IDEMPOTENCY_KEY_REUSED", "RATE_LIMITED", "INTERNAL",
})

MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
RETRYABLE_STATUSES = frozenset({502, 503, 504})


def error_class_for(code: str) -> type[BackOfficeError]:
    return ERROR_CLASSES.get(code, BackOfficeError)


def parse_answer(response: requests.Response, content: bytes) -> Any:
    """The JSON of a 2xx answer (``None`` for 204), else the typed error raised."""
    status = response.status_code
    if 200 <= status < 300:
        if status == 204 or not content:
            if status == 204:
                return None
            raise malformed("empty answer", status)
        if not is_json_type(response):
            raise malformed("the answer is not declared as JSON", status)
        try:
            return json.loads(content)
        except ValueError:
            raise malformed("the answer is not JSON", status) from None
    error = contract_error(response, content)
    if status in RETRYABLE_STATUSES:
        details = {"http_status": status}
        if error is not None:
            details["upstream_code"] = error[0]
        raise BackOfficeUnavailable(f"the back office is unavailable (HTTP {status})",
                                    http_status=status, details=details)
    if error is None:
        raise malformed(f"HTTP {status} without a contract error body", status)
    code, message, details = error
    cls = error_class_for(code)
    # str() never carries the server's message: it may echo personal data
    if issubclass(cls, ContractError):
        raise cls(code=code, http_status=status, details=details, server_message=message)
    err = cls(f"the back office answered {code} (HTTP {status})", code=code,
              http_status=status, details=details)
    err.server_message = message  # type: ignore[attr-defined]
    raise err



def is_json_type(response: requests.Response) -> bool:
    """The answer says it is JSON: ``application/json`` or ``application/<x>+json``."""
    media = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))


def contract_error(response: requests.Response, content: bytes
                    ) -> tuple[str, str, dict] | None:
    if not is_json_type(response):
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("error"), dict):
        return None
    err = data["error"]
    code = err.get("code")
    if not isinstance(code, str) or not code:
        return None
    message = err.get("message")
    message = message[:300] if isinstance(message, str) else ""
    details = err.get("details")
    return code, message, details if isinstance(details, dict) else {}


def is_key_in_use(response: requests.Response, content: bytes) -> bool:
    """``409 IDEMPOTENCY_KEY_IN_USE``: the same request is still running; safe to retry."""
    if response.status_code != 409:
        return False
    error = contract_error(response, content)
    return error is not None and error[0] == "IDEMPOTENCY_KEY_IN_USE"


def parse_with(parser: Callable[[Any], Any], data: Any, what: str) -> Any:
    try:
        return parser(data)
    except ShapeError as exc:
        raise malformed(f"{what}: {exc}") from None



def malformed(why: str, status: int | None = None) -> BackOfficeError:
    return BackOfficeError(f"malformed answer from the back office: {why}",
                           code=MALFORMED_RESPONSE, http_status=status)

