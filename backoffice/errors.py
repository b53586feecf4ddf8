"""Every error answer of the back office, in one place.

Any non-2xx answer has the body ``{"error": {"code", "message", "details"}}``
(``backoffice-api.md``). Route code raises :class:`ApiError` (or a helper
below); unknown routes, wrong methods, oversized bodies and unexpected
exceptions are turned into the same shape here, never with a traceback.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, has_request_context, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("backoffice")

#: code -> HTTP status. The contract's codes first.
STATUS_OF = {
    "VALIDATION_FAILED": 400,
    "BAD_SIGNATURE": 401,
    "CLOCK_SKEW": 401,
    "SESSION_EXPIRED": 401,
    "IDENTITY_NOT_VERIFIED": 403,
    "CARD_NOT_GENUINE": 403,
    "SERVICE_NOT_OFFERED": 403,
    "CHALLENGE_FAILED": 403,
    "CARD_NOT_FOUND": 404,
    "CARD_ALREADY_LOST": 409,
    "CARD_NOT_LOST": 409,
    "CARD_CANCELLED": 409,
    "CARD_REPLACED": 409,
    "FORMAL_LOSS_NOT_LIFTABLE": 409,
    "KEY_FIELD_CHANGE_REQUIRES_RENEWAL": 409,
    "RENEWAL_ALREADY_IN_PROGRESS": 409,
    "IDEMPOTENCY_KEY_REUSED": 409,
    "PHOTO_INVALID": 422,
    "TOO_MANY_ATTEMPTS": 429,
    "RATE_LIMITED": 429,
    "INTERNAL": 500,
    # extensions of the contract (docs/maintenance.md, docs/outbox.md)
    "TECHNICIAN_NOT_VERIFIED": 403,
    "REPLAY_TOO_OLD": 401,
    # not in the contract's list; generic HTTP situations in the same shape
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "IDEMPOTENCY_KEY_IN_USE": 409,
    "PAYLOAD_TOO_LARGE": 413,
}

#: HTTP status of a werkzeug exception -> our code
_HTTP_CODES = {
    400: "VALIDATION_FAILED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    429: "RATE_LIMITED",
}


class ApiError(Exception):
    """An answer in the contract's error shape; raise it from route code."""

    def __init__(self, code: str, message: str, *, status: int | None = None,
                 details: dict | None = None, headers: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_OF.get(code, 400)
        self.details = details or {}
        self.headers = headers or {}

    def to_response(self) -> Response:
        return error_response(self.code, self.message, status=self.status,
                              details=self.details, headers=self.headers)


def answer_with_effect(exc: ApiError) -> Response:
    """An error answer whose writes are kept (e.g. a failed attempt that must count).

    Raising :class:`ApiError` rolls the view's writes back; returning this from
    an ``@idempotent`` view commits them together with the stored answer.
    """
    note_error(exc.code)
    return exc.to_response()


def validation_failed(field: str, reason: str, message: str | None = None) -> ApiError:
    return ApiError("VALIDATION_FAILED", message or f"{field}: {reason.replace('_', ' ')}",
                    details={"field": field, "reason": reason})


def bad_signature(message: str = "the request signature is missing or wrong") -> ApiError:
    return ApiError("BAD_SIGNATURE", message)


def error_response(code: str, message: str, *, status: int | None = None,
                   details: dict | None = None, headers: dict | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    response = current_app.json.response(body)
    response.status_code = status or STATUS_OF.get(code, 400)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def note_error(code: str) -> None:
    """Remember the answer's error code for the access log line."""
    if has_request_context():
        request.environ["backoffice.error_code"] = code


def _request_id() -> str | None:
    if has_request_context():
        return request.environ.get("backoffice.request_id")
    return None


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        note_error(exc.code)
        return exc.to_response()

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        code = _HTTP_CODES.get(status, "INTERNAL" if status >= 500 else "VALIDATION_FAILED")
        note_error(code)
        headers = {}
        if status == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        message = {404: "no such endpoint", 405: "method not allowed for this endpoint",
                   413: "the request body is too large"}.get(status, exc.name)
        return error_response(code, message, status=status, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # the traceback goes to the server's log, never into the answer
        log.error("unexpected error in %s %s (request %s)", request.method, request.path,
                  _request_id(), exc_info=exc)
        note_error("INTERNAL")
        details = {"request_id": _request_id()} if _request_id() else {}
        return error_response("INTERNAL", "internal error", status=500, details=details)
