"""The back-office writes the outbox can store and replay (:mod:`kiosk.journal.outbox`).

The writes whose outcome may end up unknown (report or lift a loss, change the
profile, apply for a renewal) are built here as :class:`ApiCall` values, with
their exact body bytes, that :meth:`kiosk.backoffice_client.BackOfficeClient.perform`
sends: the outbox stores such a call, with its ``Idempotency-Key``, before
sending it, and replays it later.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .backoffice_types import DELIVERIES, LOSS_DURATIONS, LOSS_KINDS, Application, CardStatus, Profile


def encode_json(obj: Any) -> bytes:
    """The exact bytes the client sends for a JSON body (UTF-8, compact)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class ApiCall:
    """One write, fully built: the exact bytes to send, ready to be stored and replayed.

    ``operation`` names the answer's parser (:data:`ANSWER_PARSERS`); ``citizen``
    calls carry the session's Bearer token.
    """

    operation: str
    method: str
    path: str
    body: bytes | None
    citizen: bool = True

    def __repr__(self) -> str:  # the body may hold personal data
        size = 0 if self.body is None else len(self.body)
        return f"ApiCall({self.operation}, {self.method} {self.path}, {size} bytes)"


def report_loss_call(kind: str, duration: str | None = None) -> ApiCall:
    """``POST /v1/me/card/loss`` ``{kind, duration}``."""
    if kind not in LOSS_KINDS:
        raise ValueError(f"loss kind must be one of {sorted(LOSS_KINDS)}")
    if duration is not None and duration not in LOSS_DURATIONS:
        raise ValueError(f"loss duration must be one of {sorted(LOSS_DURATIONS)} or None")
    return ApiCall("report_loss", "POST", "/v1/me/card/loss",
                   encode_json({"kind": kind, "duration": duration}))


def lift_loss_call() -> ApiCall:
    """``DELETE /v1/me/card/loss``."""
    return ApiCall("lift_loss", "DELETE", "/v1/me/card/loss", None)


def update_profile_call(changes: Mapping[str, Any]) -> ApiCall:
    """``PATCH /v1/me/profile`` with the changed fields only."""
    if not isinstance(changes, Mapping) or not changes:
        raise ValueError("update_profile needs at least one field")
    if not all(isinstance(k, str) and k for k in changes):
        raise ValueError("profile field names must be strings")
    return ApiCall("update_profile", "PATCH", "/v1/me/profile", encode_json(dict(changes)))


def apply_renewal_call(reason: str, photo_jpeg: bytes | None, delivery: str,
                       mailing_address: str | None = None) -> ApiCall:
    """``POST /v1/me/renewals`` ``{reason, photo_jpeg_b64, delivery, mailing_address}``.

    ``photo_jpeg`` None sends ``photo_jpeg_b64: null`` (a child below the pack's photo age).
    """
    if not isinstance(reason, str) or not reason:
        raise ValueError("a renewal needs a reason")
    if photo_jpeg is not None and (not isinstance(photo_jpeg, (bytes, bytearray))
                                   or not photo_jpeg):
        raise ValueError("the photo is the JPEG's bytes (or None when exempt)")
    if delivery not in DELIVERIES:
        raise ValueError(f"delivery must be one of {sorted(DELIVERIES)}")
    if delivery == "mail" and not mailing_address:
        raise ValueError("delivery by mail needs a mailing address")
    body = {"reason": reason,
            "photo_jpeg_b64": (base64.b64encode(bytes(photo_jpeg)).decode("ascii")
                               if photo_jpeg is not None else None),
            "delivery": delivery, "mailing_address": mailing_address}
    return ApiCall("apply_renewal", "POST", "/v1/me/renewals", encode_json(body))


#: operation -> parser of its 2xx answer (what :meth:`BackOfficeClient.perform` returns)
ANSWER_PARSERS: dict[str, Callable[[Any], Any]] = {
    "report_loss": CardStatus.from_json,
    "lift_loss": CardStatus.from_json,
    "update_profile": Profile.from_json,
    "apply_renewal": Application.from_json,
}

