"""What the back-office client returns: small frozen dataclasses, one per answer shape.

Each ``from_json`` checks the contract's shape (``shared/spec/backoffice-api.md``)
and raises :class:`ShapeError` (the client turns it into
``BackOfficeError(code="MALFORMED_RESPONSE")``) for an answer it cannot trust.
Times become timezone-aware UTC :class:`datetime.datetime`, days
:class:`datetime.date`. Collections are tuples; free-form objects are read-only
mappings.

The ``repr`` of a type that carries personal data (a name, a phone number, an
address, a session token) shows masked values or nothing, so a stray log line
or traceback does not leak them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from . import masking
from .loss_terms import API_LOSS_DURATIONS
from .loss_terms import LOSS_KINDS as _LOSS_KINDS

CARD_STATUSES = frozenset({"active", "temp_lost", "lost", "replaced", "cancelled",
                           "not_activated"})
#: a card that is no longer the citizen's (a new one replaced it, or it was cancelled)
VOID_CARD_STATUSES = frozenset({"replaced", "cancelled"})
#: a card under a loss report
LOST_CARD_STATUSES = frozenset({"temp_lost", "lost"})
LOSS_KINDS = frozenset(_LOSS_KINDS)
#: the durations the API names besides null ("until lifted"): ``kiosk/loss_terms.py``
LOSS_DURATIONS = API_LOSS_DURATIONS
APPLICATION_KINDS = frozenset({"first", "renewal", "replacement"})
DELIVERIES = frozenset({"pickup", "mail"})
PIN_OPERATIONS = frozenset({"reload", "unblock"})


class ShapeError(ValueError):
    """An answer that does not have the contract's shape."""


# --- field readers ---------------------------------------------------------------

def _obj(data: Any, what: str) -> dict:
    if not isinstance(data, dict):
        raise ShapeError(f"{what} is not an object")
    return data


def _str(data: dict, key: str, *, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or (not value and not optional):
        raise ShapeError(f"{key} is not a string")
    return value


def _choice(data: dict, key: str, allowed: frozenset[str], *, optional: bool = False) -> str | None:
    value = _str(data, key, optional=optional)
    if value is not None and value not in allowed:
        raise ShapeError(f"{key} has an unknown value")
    return value


def time_or_none(value: Any) -> dt.datetime | None:
    """An ISO 8601 time as an aware UTC datetime; None when it is missing or not a time
    (for what is only shown or compared: a lock's end, a server's clock)."""
    try:
        return parse_datetime(value, optional=True)
    except ShapeError:
        return None


def parse_datetime(value: Any, key: str = "time", *, optional: bool = False) -> dt.datetime | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"{key} is not a time")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ShapeError(f"{key} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def parse_date(value: Any, key: str = "date", *, optional: bool = False) -> dt.date | None:
    """A day: ``2025-01-02`` (a full time is accepted and cut to its UTC day)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"{key} is not a date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    moment = parse_datetime(value, key)
    assert moment is not None
    return moment.date()


def _frozen(value: Any) -> Any:
    """A read-only copy of a JSON value (dicts -> mappingproxy, lists -> tuples)."""
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _str_tuple(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ShapeError(f"{key} is not a list of strings")
    return tuple(value)


# --- sessions -----------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """Who a session belongs to (``person: {name, ssn_masked}``)."""

    name: str = field(repr=False)
    ssn_masked: str

    @classmethod
    def from_json(cls, data: Any) -> "Person":
        data = _obj(data, "person")
        return cls(name=_str(data, "name") or "", ssn_masked=_str(data, "ssn_masked") or "")

    @property
    def name_masked(self) -> str:
        return masking.name(self.name)

    def __repr__(self) -> str:
        return f"Person(name={self.name_masked!r}, ssn_masked={self.ssn_masked!r})"


@dataclass(frozen=True)
class Session:
    """A citizen session: ``POST /v1/sessions`` (and ``/verify`` for SMS).

    ``token`` is None while an SMS challenge is open (``verified`` is False).
    """

    session_id: str
    token: str | None = field(repr=False)
    expires_at: dt.datetime | None
    person: Person | None
    method: str = "card"  # card | sms | face

    @property
    def verified(self) -> bool:
        return bool(self.token)

    @classmethod
    def from_json(cls, data: Any, method: str) -> "Session":
        data = _obj(data, "session")
        person = data.get("person")
        return cls(session_id=_str(data, "session_id") or "",
                   token=_str(data, "token", optional=True) or None,
                   expires_at=parse_datetime(data.get("expires_at"), "expires_at",
                                             optional=True),
                   person=Person.from_json(person) if person is not None else None,
                   method=method)

    def __repr__(self) -> str:
        return (f"Session({self.session_id!r}, method={self.method!r}, verified={self.verified}, "
                f"expires_at={self.expires_at!s}, person={self.person!r})")


# --- maintenance mode (an extension of the contract, docs/maintenance.md) -------------

@dataclass(frozen=True)
class TechnicianSession:
    """``POST /v1/technicians/verify``: the verified technician and a maintenance token."""

    account: str
    name: str = field(repr=False)
    token: str = field(repr=False)
    expires_at: dt.datetime

    @classmethod
    def from_json(cls, data: Any) -> "TechnicianSession":
        data = _obj(data, "technician verification")
        technician = _obj(data.get("technician"), "technician")
        expires_at = parse_datetime(data.get("expires_at"), "expires_at")
        assert expires_at is not None
        return cls(account=_str(technician, "account") or "",
                   name=_str(technician, "name", optional=True) or "",
                   token=_str(data, "token") or "", expires_at=expires_at)

    def __repr__(self) -> str:
        return f"TechnicianSession({self.account!r}, expires_at={self.expires_at!s})"


# --- the card -------------------------------------------------------------------------

@dataclass(frozen=True)
class Loss:
    kind: str                        # temporary | formal
    since: dt.datetime | None
    auto_lift_at: dt.datetime | None  # None: until lifted

    @classmethod
    def from_json(cls, data: Any) -> "Loss":
        data = _obj(data, "loss")
        return cls(kind=_choice(data, "kind", LOSS_KINDS) or "",
                   since=parse_datetime(data.get("since"), "since", optional=True),
                   auto_lift_at=parse_datetime(data.get("auto_lift_at"), "auto_lift_at",
                                               optional=True))


@dataclass(frozen=True)
class CardStatus:
    """``GET /v1/me/card`` (and the answer of reporting or lifting a loss)."""

    card_no: str
    status: str                      # see CARD_STATUSES
    loss: Loss | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    bank: str | None
    services: tuple[str, ...]        # the service ids this card may use here

    @classmethod
    def from_json(cls, data: Any) -> "CardStatus":
        data = _obj(data, "card status")
        loss = data.get("loss")
        bank = data.get("bank")
        if isinstance(bank, dict):  # tolerate {name: ...}
            bank = bank.get("name")
        if bank is not None and not isinstance(bank, str):
            raise ShapeError("bank is not a string")
        return cls(card_no=_str(data, "card_no") or "",
                   status=_choice(data, "status", CARD_STATUSES) or "",
                   loss=Loss.from_json(loss) if loss is not None else None,
                   issued_on=parse_date(data.get("issued_on"), "issued_on", optional=True),
                   expires_on=parse_date(data.get("expires_on"), "expires_on", optional=True),
                   bank=bank,
                   services=_str_tuple(data, "services"))

    @property
    def card_no_masked(self) -> str:
        return masking.card_no(self.card_no)

    def __repr__(self) -> str:
        return (f"CardStatus({self.card_no_masked!r}, status={self.status!r}, loss={self.loss!r}, "
                f"services={self.services!r})")


# --- applications ---------------------------------------------------------------------

@dataclass(frozen=True)
class Stage:
    stage: str
    at: dt.datetime | None

    @classmethod
    def from_json(cls, data: Any) -> "Stage":
        data = _obj(data, "stage")
        return cls(stage=_str(data, "stage") or "",
                   at=parse_datetime(data.get("at"), "at", optional=True))


@dataclass(frozen=True)
class Application:
    """One card application and its production progress (``policies.md`` stage order)."""

    application_id: str
    kind: str                        # first | renewal | replacement
    stages: tuple[Stage, ...]        # reached so far, in order
    current_stage: str | None
    expected_by: dt.date | None
    outlet: Any                      # str or a read-only mapping, as the back office sends
    delivery: Any                    # "pickup" | "mail" or a read-only mapping

    @classmethod
    def from_json(cls, data: Any) -> "Application":
        data = _obj(data, "application")
        stages = data.get("stages")
        if not isinstance(stages, list):
            raise ShapeError("stages is not a list")
        return cls(application_id=_str(data, "application_id") or "",
                   kind=_choice(data, "kind", APPLICATION_KINDS) or "",
                   stages=tuple(Stage.from_json(s) for s in stages),
                   current_stage=_str(data, "current_stage", optional=True),
                   expected_by=parse_date(data.get("expected_by"), "expected_by",
                                          optional=True),
                   outlet=_frozen(data.get("outlet")),
                   delivery=_frozen(data.get("delivery")))

    def __repr__(self) -> str:  # outlet/delivery may hold an address
        return (f"Application({self.application_id!r}, kind={self.kind!r}, "
                f"current_stage={self.current_stage!r}, expected_by={self.expected_by!s})")


def applications_from_json(data: Any) -> tuple[Application, ...]:
    if isinstance(data, dict) and isinstance(data.get("applications"), list):
        data = data["applications"]  # tolerate a wrapped list
    if not isinstance(data, list):
        raise ShapeError("applications is not a list")
    return tuple(Application.from_json(a) for a in data)


# --- the profile ------------------------------------------------------------------------

PROFILE_FIELDS = ("name", "gender", "ethnicity", "nationality", "id_valid_until", "phone",
                  "address", "mailing_address")


@dataclass(frozen=True)
class Profile:
    """``GET/PATCH /v1/me/profile``: every value as the back office sends it (str or None)."""

    name: str | None
    gender: str | None
    ethnicity: str | None
    nationality: str | None
    id_valid_until: str | None       # a day, or e.g. "长期" (long-term)
    phone: str | None
    address: str | None
    mailing_address: str | None
    editable: tuple[str, ...]

    @classmethod
    def from_json(cls, data: Any) -> "Profile":
        data = _obj(data, "profile")
        values = {}
        for key in PROFILE_FIELDS:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ShapeError(f"{key} is not a string")
            values[key] = value
        return cls(**values, editable=_str_tuple(data, "editable"))

    def __repr__(self) -> str:
        return f"Profile(name={masking.name(self.name or '')!r}, editable={self.editable!r})"


# --- the terminal ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HeartbeatAnswer:
    config_version: str | None

    @classmethod
    def from_json(cls, data: Any) -> "HeartbeatAnswer":
        data = _obj(data, "heartbeat answer")
        version = data.get("config_version")
        if version is not None and not isinstance(version, (str, int)):
            raise ShapeError("config_version is not a string")
        return cls(config_version=None if version is None else str(version))


@dataclass(frozen=True)
class KioskConfig:
    """``GET /v1/kiosks/config``: the named settings plus everything else in ``raw``."""

    jurisdiction: str
    idle_timeout_s: int
    locales: tuple[str, ...]
    raw: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> "KioskConfig":
        data = _obj(data, "kiosk config")
        idle = data.get("idle_timeout_s")
        if isinstance(idle, bool) or not isinstance(idle, (int, float)) or idle <= 0:
            raise ShapeError("idle_timeout_s is not a positive number")
        return cls(jurisdiction=_str(data, "jurisdiction") or "", idle_timeout_s=int(idle),
                   locales=_str_tuple(data, "locales"), raw=_frozen(data))
