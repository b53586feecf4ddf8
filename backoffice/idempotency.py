"""``Idempotency-Key`` for every POST, PATCH and DELETE.

Decorate each writing view with :func:`idempotent` (``create_app`` refuses to
start when a writing route lacks it). For one kiosk and one key:

1. the first request inserts a ``processing`` claim and commits it; the unique
   constraint ``(kiosk_id, key)`` makes exactly one of two racing requests win;
2. the view runs on the request's session; its writes and the stored answer
   are committed in ONE transaction, so an answer is stored iff its effect is;
3. an :class:`~backoffice.errors.ApiError` rolls the view's writes back and
   its error answer is stored (it is replayed like any answer); an unexpected
   exception, or any 5xx answer, rolls back and releases the claim, so a retry
   runs again (a stored answer always says what happened: docs/outbox.md);
4. a later request with the same key and the same method, path and body (and
   ``Authorization``, on citizen routes) gets the stored answer
   (``Idempotent-Replayed: true``), with no second effect; a different method,
   path, body or session gets ``409 IDEMPOTENCY_KEY_REUSED``;
5. a request racing a claim still being processed waits up to
   ``idempotency_wait_s`` for the answer, else ``409 IDEMPOTENCY_KEY_IN_USE``
   (with ``Retry-After``); a claim older than ``idempotency_lock_timeout_s``
   (its process died) is taken over.

Keys are scoped per kiosk and kept ``idempotency_retention_s``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import time
import uuid
from typing import Callable, TypeVar

from flask import Flask, Response, current_app, g, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk import signing

from . import db
from .auth import is_public, signed_path
from .errors import ApiError, note_error, validation_failed
from .models import IdempotencyRecord

log = logging.getLogger("backoffice.idempotency")

F = TypeVar("F", bound=Callable)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAY_HEADER = "Idempotent-Replayed"
_POLL_S = 0.05
_PURGE_EVERY_S = 600.0


def idempotent(view: F) -> F:
    """Make a writing view idempotent under the request's ``Idempotency-Key``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return _run_idempotent(view, args, kwargs)

    wrapper._backoffice_idempotent = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def is_idempotent(view) -> bool:
    return bool(getattr(view, "_backoffice_idempotent", False))


def check_routes(app: Flask) -> None:
    """Refuse an app with a writing route that is not :func:`idempotent` (or not signed)."""
    for rule in app.url_map.iter_rules():
        if rule.methods and rule.methods & WRITE_METHODS:
            view = app.view_functions[rule.endpoint]
            if not is_idempotent(view):
                raise RuntimeError(f"route {rule.rule} ({rule.endpoint}) writes but is not "
                                   "@idempotent")
            if is_public(view):
                raise RuntimeError(f"route {rule.rule} ({rule.endpoint}) writes but is public: "
                                   "idempotency keys are scoped by the signing kiosk")


_CANONICAL_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def parse_key(value: str | None) -> str:
    """The canonical form of an ``Idempotency-Key`` header, or VALIDATION_FAILED."""
    if not value:
        raise validation_failed(signing.IDEMPOTENCY_KEY_HEADER, "missing",
                                "every POST, PATCH and DELETE needs an Idempotency-Key (a UUID)")
    try:
        if not _CANONICAL_UUID.match(value.strip()):
            raise ValueError("not the 8-4-4-4-12 form")
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise validation_failed(signing.IDEMPOTENCY_KEY_HEADER, "not_a_uuid",
                                "the Idempotency-Key must be a UUID") from None


def request_fingerprint(method: str, path_with_query: str, body: bytes,
                        authorization: str | None = None) -> str:
    """What makes two requests "the same": method, path with query, body and, for a
    citizen route, the session token (one citizen's answer is never replayed to another)."""
    parts = [method.upper(), path_with_query, signing.body_digest(body)]
    if authorization:
        parts.append(hashlib.sha256(authorization.encode("utf-8")).hexdigest())
    material = "\n".join(parts)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# --- the mechanics -------------------------------------------------------------------

def _state():
    return current_app.extensions["backoffice"]


def _run_idempotent(view, args, kwargs) -> Response:
    state = _state()
    key = parse_key(request.headers.get(signing.IDEMPOTENCY_KEY_HEADER))
    kiosk_id = g.kiosk_id
    path = signed_path(request.environ)
    fingerprint = request_fingerprint(request.method, path, request.get_data(cache=True),
                                      request.headers.get("Authorization"))
    s = db.session()
    _maybe_purge(s, state)

    claim = _claim(s, state, kiosk_id, key, fingerprint, path)
    if isinstance(claim, Response):
        return claim
    record_id, token = claim

    try:
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except ApiError as exc:
            # the refusal is an answer too: its writes are undone, the answer is kept
            s.rollback()
            response = exc.to_response()
            note_error(exc.code)
        if response.status_code >= 500:
            # a 5xx says nothing about what happened: never stored; the key is free again
            s.rollback()
            _release(s, record_id, token)
            return response
        stored = _complete(s, state, record_id, token, response)
        if stored:
            s.commit()
    except BaseException:
        s.rollback()
        _release(s, record_id, token)
        raise
    if not stored:
        # our claim was taken over (we looked dead): our work is discarded
        s.rollback()
        return _await_answer(s, state, kiosk_id, key, fingerprint)
    return response


def stored_answer() -> Response | None:
    """The stored answer of this very request (same kiosk, key and fingerprint), if any.

    A citizen route asks this before it checks the session token, so that an
    outbox replay after a restart gets the first answer back even when the token
    has expired meanwhile (docs/outbox.md). Only a finished record counts; a
    different request under the same key is left to :func:`idempotent` (409).
    """
    value = request.headers.get(signing.IDEMPOTENCY_KEY_HEADER)
    if request.method not in WRITE_METHODS or not value:
        return None
    try:
        key = parse_key(value)
    except ApiError:
        return None
    fingerprint = request_fingerprint(request.method, signed_path(request.environ),
                                      request.get_data(cache=True), request.headers.get("Authorization"))
    s = db.session()
    record = s.scalar(select(IdempotencyRecord).where(IdempotencyRecord.kiosk_id == g.kiosk_id,
                                                      IdempotencyRecord.key == key))
    s.commit()
    if record is None or record.state != "done" or record.request_hash != fingerprint:
        return None
    return _replay(record)


def _claim(s: Session, state, kiosk_id: str, key: str, fingerprint: str,
           path: str) -> tuple[int, str] | Response:
    """Insert a claim; or answer from / wait for the existing one."""
    now = state.clock.wall()
    token = str(uuid.uuid4())
    record = IdempotencyRecord(kiosk_id=kiosk_id, key=key, request_hash=fingerprint,
                               method=request.method, path=path[:255], state="processing",
                               lock_token=token, locked_at=now, created_at=now)
    s.add(record)
    try:
        s.commit()
        return record.id, token
    except IntegrityError:
        s.rollback()
    return _await_answer(s, state, kiosk_id, key, fingerprint, may_take_over=True)


def _await_answer(s: Session, state, kiosk_id: str, key: str, fingerprint: str, *,
                  may_take_over: bool = False) -> tuple[int, str] | Response:
    deadline = time.monotonic() + state.config.idempotency_wait_s
    while True:
        record = s.scalar(select(IdempotencyRecord)
                          .where(IdempotencyRecord.kiosk_id == kiosk_id,
                                 IdempotencyRecord.key == key)
                          .execution_options(populate_existing=True))
        s.commit()  # end the read transaction: the next poll sees fresh data
        if record is None:
            # released by a failed first attempt (or purged): run it now
            if not may_take_over:
                raise ApiError("IDEMPOTENCY_KEY_IN_USE", "retry this request",
                               headers={"Retry-After": "1"})
            return _claim(s, state, kiosk_id, key, fingerprint, signed_path(request.environ))
        if record.request_hash != fingerprint:
            raise ApiError("IDEMPOTENCY_KEY_REUSED",
                           "this Idempotency-Key was used for a different request")
        if record.state == "done":
            return _replay(record)
        age = (state.clock.wall() - record.locked_at).total_seconds()
        if may_take_over and age > state.config.idempotency_lock_timeout_s:
            taken = _take_over(s, state, record)
            if taken is not None:
                return taken
            continue
        if time.monotonic() >= deadline:
            raise ApiError("IDEMPOTENCY_KEY_IN_USE",
                           "a request with this Idempotency-Key is still being processed",
                           headers={"Retry-After": "1"})
        time.sleep(_POLL_S)


def _take_over(s: Session, state, record: IdempotencyRecord) -> tuple[int, str] | None:
    token = str(uuid.uuid4())
    result = s.execute(update(IdempotencyRecord)
                       .where(IdempotencyRecord.id == record.id,
                              IdempotencyRecord.lock_token == record.lock_token,
                              IdempotencyRecord.state == "processing")
                       .values(lock_token=token, locked_at=state.clock.wall()))
    s.commit()
    if result.rowcount == 1:
        log.warning("took over the abandoned idempotency claim %s of kiosk %s",
                    record.key, record.kiosk_id)
        return record.id, token
    return None


def _complete(s: Session, state, record_id: int, token: str, response: Response) -> bool:
    """Store the answer in the view's transaction; False if the claim is no longer ours."""
    result = s.execute(update(IdempotencyRecord)
                       .where(IdempotencyRecord.id == record_id,
                              IdempotencyRecord.lock_token == token,
                              IdempotencyRecord.state == "processing")
                       .values(state="done", completed_at=state.clock.wall(),
                               response_status=response.status_code,
                               response_content_type=response.content_type,
                               response_body=response.get_data()))
    return result.rowcount == 1


def _release(s: Session, record_id: int, token: str) -> None:
    try:
        s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id,
                                                  IdempotencyRecord.lock_token == token,
                                                  IdempotencyRecord.state == "processing"))
        s.commit()
    except Exception:  # the original exception matters more
        log.exception("could not release idempotency claim %s", record_id)
        s.rollback()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body or b"", status=record.response_status or 200,
                        content_type=record.response_content_type)
    response.headers[REPLAY_HEADER] = "true"
    request.environ["backoffice.replayed"] = True
    return response


def _maybe_purge(s: Session, state) -> None:
    """Forget keys past their retention, at most every few minutes per process."""
    now = time.monotonic()
    if now - state.last_idempotency_purge < _PURGE_EVERY_S:
        return
    state.last_idempotency_purge = now
    cutoff = state.clock.wall() - dt.timedelta(seconds=state.config.idempotency_retention_s)
    try:
        s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff,
                                                  IdempotencyRecord.state == "done"))
        s.commit()
    except Exception:
        log.exception("could not purge old idempotency keys")
        s.rollback()
