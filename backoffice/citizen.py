"""The citizen's session token on ``/v1/me/...`` routes (``Authorization: Bearer``).

Decorate a citizen route with :func:`citizen` *above* ``@idempotent``: the token
is checked before the idempotency claim, so a refused token is not stored as
the answer of the operation's key. One exception comes first: a write whose
answer is already stored under the same kiosk, key and request is answered
from the store whatever the token's state, so the kiosk's outbox can replay
after a restart (docs/outbox.md). A token is bound to one person and one
kiosk and lives at most ``session_ttl_s`` (10 minutes):

- no ``Authorization: Bearer`` header, a malformed one, an unknown, expired or
  ended token, or one used by another kiosk -> ``401 SESSION_EXPIRED``
  (``details.reason``: ``no_session``, ``malformed``, ``unknown``, ``expired``,
  ``ended``, ``other_kiosk``); the kiosk identifies the citizen again.

The writes the kiosk's outbox replays (report and lift a loss, the profile, a
renewal) use :func:`citizen_write` instead: there an expired or ended token is
also accepted for a late replay of a request made while the session lived
(:mod:`backoffice.late_replay`).

Only SHA-256 of a token is stored.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Callable, TypeVar

from flask import g, request
from sqlalchemy import select

from kiosk import ssn as ssn_rules

from . import db, late_replay
from .app import now
from .auth import current_kiosk_id
from .errors import ApiError
from .idempotency import stored_answer
from .models import Card, CitizenSession, Person

F = TypeVar("F", bound=Callable)
_BEARER_RE = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{16,200})$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def person_summary(person: Person) -> dict:
    """``person: {name, ssn_masked}`` of the session answers."""
    return {"name": person.name, "ssn_masked": ssn_rules.mask(person.ssn)}


@dataclass
class Citizen:
    session: CitizenSession
    person: Person

    @property
    def card_id(self) -> int | None:
        return self.session.card_id


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    match = _BEARER_RE.match(header.strip())
    return match.group(1) if match else None


def session_expired(reason: str) -> ApiError:
    return ApiError("SESSION_EXPIRED", "the citizen session has ended; identify again",
                    details={"reason": reason})


def authenticate_citizen(*, late_replay_allowed: bool = False) -> Citizen:
    """The live session of the request's token; with ``late_replay_allowed``, also a dead
    one for a late replay that :func:`backoffice.late_replay.admit` lets through."""
    original_ts = late_replay.original_timestamp() if late_replay_allowed else None
    token = presented_token()
    if token is None:
        raise session_expired("malformed" if request.headers.get("Authorization")
                              else "no_session")
    s = db.session()
    row = s.scalar(select(CitizenSession).where(CitizenSession.token_hash == token_hash(token)))
    if row is None or not row.verified:
        raise session_expired("unknown")
    if row.kiosk_id != current_kiosk_id():
        raise session_expired("other_kiosk")
    dead = ("ended" if row.ended_at is not None
            else "expired" if row.expires_at <= now() else None)
    if dead is not None:
        if original_ts is None:
            raise session_expired(dead)
        late_replay.admit(row, original_ts, session_expired(dead))
    person = s.get(Person, row.person_id)
    if person is None:  # pragma: no cover - a foreign key keeps it
        raise session_expired("unknown")
    return Citizen(row, person)


def citizen(view: F) -> F:
    """Require a live citizen session; :func:`current` gives it to the view."""
    return _citizen_route(view, late_replay_allowed=False)


def citizen_write(view: F) -> F:
    """:func:`citizen` for a write the kiosk's outbox replays: a late replay of a request
    made while the session lived may run after it ended (:mod:`backoffice.late_replay`)."""
    return _citizen_route(view, late_replay_allowed=True)


def _citizen_route(view: F, *, late_replay_allowed: bool) -> F:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        replay = stored_answer()  # an outbox replay is answered even after its token died
        if replay is not None:
            return replay
        g.citizen = authenticate_citizen(late_replay_allowed=late_replay_allowed)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current() -> Citizen:
    """The current request's citizen (re-read: the idempotency claim may have expired it)."""
    c: Citizen = g.citizen
    s = db.session()
    c.session = s.get(CitizenSession, c.session.id)
    c.person = s.get(Person, c.person.id)
    return c


def session_card(c: Citizen) -> Card | None:
    if c.session.card_id is None:
        return None
    return db.session().get(Card, c.session.card_id)
