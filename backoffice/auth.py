"""Request signatures and the kiosk registry.

Every request except the endpoints marked :func:`public` must carry
``X-Kiosk-Id``, ``X-Timestamp`` and ``X-Signature`` (:mod:`kiosk.signing`).
A ``before_request`` hook checks them for every route, so a new route is
signed by default:

- missing headers, an unknown kiosk, a malformed timestamp or a wrong
  signature -> ``401 BAD_SIGNATURE``;
- a right signature whose timestamp is more than ``max_clock_skew_s`` away
  from the server's (unshifted) clock -> ``401 CLOCK_SKEW``, with the
  server's time in ``details`` so the kiosk can tell its clock is wrong.

The signed path is the request target exactly as received (waitress gives it
as ``REQUEST_URI``); without it, the path and query are rebuilt from the WSGI
environment.
"""

from __future__ import annotations

import logging
import re
from typing import Callable, Mapping, Protocol, TypeVar
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, g, request

from kiosk import signing

from .config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, iso_utc
from .errors import ApiError, bad_signature

log = logging.getLogger("backoffice.auth")

F = TypeVar("F", bound=Callable)
_TIMESTAMP_RE = re.compile(r"^[0-9]{1,12}$")


def public(view: F) -> F:
    """Mark a view as unsigned (only ``GET /v1/health`` in the contract)."""
    view._backoffice_public = True  # type: ignore[attr-defined]
    return view


def is_public(view) -> bool:
    return bool(getattr(view, "_backoffice_public", False))


class KioskRegistry(Protocol):
    def secret_for(self, kiosk_id: str) -> bytes | None: ...


class StaticKioskRegistry:
    """Kiosks and secrets from the configuration (a fleet table can replace it).

    Outside demo mode the demo pair is refused here too, whatever the caller passed.
    """

    def __init__(self, kiosks: Mapping[str, str], *, demo: bool):
        self._secrets: dict[str, bytes] = {}
        for kiosk_id, secret in kiosks.items():
            if not demo and (kiosk_id == DEMO_KIOSK_ID or secret == DEMO_KIOSK_SECRET):
                continue
            self._secrets[kiosk_id] = secret.encode("utf-8")

    def secret_for(self, kiosk_id: str) -> bytes | None:
        return self._secrets.get(kiosk_id)

    def __contains__(self, kiosk_id: str) -> bool:
        return kiosk_id in self._secrets

    def __repr__(self) -> str:
        return f"StaticKioskRegistry({sorted(self._secrets)})"


def signed_path(environ: Mapping) -> str:
    """The request target as the kiosk sent it (path and query)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        if not raw.startswith("/"):  # absolute form: http://host/path?query
            parts = urlsplit(raw)
            raw = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return raw
    return rebuilt_path(environ)


def rebuilt_path(environ: Mapping) -> str:
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    # PEP 3333: PATH_INFO is bytes decoded as latin-1
    path = quote(path.encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
    query = environ.get("QUERY_STRING", "")
    return path + (f"?{query}" if query else "")


def authenticate_request() -> str:
    """Check the current request's signature; return the kiosk id or raise ApiError."""
    state = current_app.extensions["backoffice"]
    kiosk_id = request.headers.get(signing.KIOSK_ID_HEADER, "")
    timestamp = request.headers.get(signing.TIMESTAMP_HEADER, "")
    presented = request.headers.get(signing.SIGNATURE_HEADER, "")
    if not kiosk_id or not timestamp or not presented:
        raise bad_signature("the request is not signed (X-Kiosk-Id, X-Timestamp, X-Signature)")
    secret = state.kiosks.secret_for(kiosk_id)
    if secret is None:
        log.warning("signed request from unknown kiosk %r refused", kiosk_id[:64])
        raise bad_signature("unknown kiosk")
    if not _TIMESTAMP_RE.match(timestamp):
        raise bad_signature("X-Timestamp must be Unix seconds")
    body = request.get_data(cache=True)
    method = request.method
    candidates = [signed_path(request.environ)]
    rebuilt = rebuilt_path(request.environ)
    if rebuilt != candidates[0]:
        candidates.append(rebuilt)
    if not any(signing.verify(secret, method, path, timestamp, body, presented)
               for path in candidates):
        log.warning("bad signature from kiosk %s on %s %s", kiosk_id, method, request.path)
        raise bad_signature()
    now = state.clock.wall_timestamp()
    skew = int(timestamp) - now
    if abs(skew) > state.config.max_clock_skew_s:
        raise ApiError("CLOCK_SKEW", "the kiosk's clock differs too much from the server's",
                       details={"server_time": iso_utc(state.clock.wall()),
                                "skew_s": int(round(skew)),
                                "max_skew_s": state.config.max_clock_skew_s})
    return kiosk_id


def current_kiosk_id() -> str:
    """The authenticated kiosk of the current request."""
    return g.kiosk_id


def init_app(app: Flask) -> None:
    @app.before_request
    def _check_signature():
        if request.routing_exception is not None:
            return None  # let it become 404 / 405 in the error shape
        view = app.view_functions.get(request.endpoint)
        if view is None or is_public(view):
            return None
        g.kiosk_id = authenticate_request()
        request.environ["backoffice.kiosk_id"] = g.kiosk_id
        return None
