"""The back office's tables (SQLAlchemy 2.0 declarative models).

Times are stored as UTC (:class:`UTCDateTime` gives timezone-aware values back
on every database, SQLite included); days (issue and expiry dates, birth dates)
are plain dates. ``SCHEMA_VERSION`` is the newest of the numbered migrations in
:mod:`backoffice.migrations`, which create and change these tables; the models
here must always describe the schema those migrations leave behind (a test
compares them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

#: the newest migration of :mod:`backoffice.migrations` (bump with every migration)
SCHEMA_VERSION = 3

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (naive UTC in SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SchemaVersion(Base):
    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CardAuth(Base):
    """One successful HSM step of a card authentication (``POST /v1/card-auth``).

    Sessions (``{method: "card", card_auth_id}``) and PIN authorisations refer to it.
    """

    __tablename__ = "card_auths"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    card_no: Mapped[str] = mapped_column(String(32), index=True)
    card_id_code: Mapped[str] = mapped_column(String(32))   # 32 uppercase hex digits
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"CardAuth({self.id}, kiosk={self.kiosk_id})"


class IdempotencyRecord(Base):
    """An ``Idempotency-Key`` a kiosk used, and the first answer given to it.

    ``(kiosk_id, key)`` is unique: of two racing requests with one key, one
    inserts the claim and runs; the other waits and gets the stored answer.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "key", name="uq_idempotency_keys_kiosk_key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(36))
    #: sha256 over method, path with query and sha256(body)
    request_hash: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    #: ``processing`` while the first request runs, then ``done``
    state: Mapped[str] = mapped_column(String(16))
    lock_token: Mapped[str] = mapped_column(String(36))
    locked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_content_type: Mapped[str | None] = mapped_column(String(128), nullable=True)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


# --- citizens and their cards (schema version 2) -------------------------------------

#: a card's states (``backoffice-api.md``, ``GET /v1/me/card``)
CARD_STATUSES = ("active", "temp_lost", "lost", "replaced", "cancelled", "not_activated")
APPLICATION_KINDS = ("first", "renewal", "replacement")
SESSION_METHODS = ("card", "sms", "face")


class Person(Base):
    """A card holder (参保人). ``ssn`` is the 18-character 社会保障号码."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ssn: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    #: GB/T 2261.1: ``1`` male, ``2`` female, ``9`` unstated (as on the card)
    gender: Mapped[str] = mapped_column(String(1))
    #: GB/T 3304 two-digit code (``01`` = 汉), as on the card
    ethnicity: Mapped[str] = mapped_column(String(2))
    #: ISO 3166-1 alpha-3 (``CHN``)
    nationality: Mapped[str] = mapped_column(String(3))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    #: ISO day ``YYYY-MM-DD`` or ``长期`` (a long-term identity card)
    id_valid_until: Mapped[str | None] = mapped_column(String(10), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(11), nullable=True)
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    mailing_address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: where the person is registered (a rule-pack name, or another region's name)
    jurisdiction: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:  # no personal data
        return f"Person({self.id})"


class Card(Base):
    """One physical card of a person; a person may have several (old ones replaced)."""

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_no: Mapped[str] = mapped_column(String(32), unique=True)
    #: 卡识别码, 32 uppercase hex digits (the HSM derives the card's keys from it)
    card_id_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: one of :data:`CARD_STATUSES`; a temporary loss past its auto-lift time is
    #: lifted when the card is next read (see :mod:`backoffice.cards`)
    status: Mapped[str] = mapped_column(String(16))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    bank: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"Card({self.id}, {self.status})"


class Loss(Base):
    """A loss report (挂失) of a card; open while ``lifted_at`` is None."""

    __tablename__ = "losses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    #: ``temporary`` | ``formal``
    kind: Mapped[str] = mapped_column(String(16))
    #: ``7d`` | ``15d`` | ``long`` | None (until lifted)
    duration: Mapped[str | None] = mapped_column(String(16), nullable=True)
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    auto_lift_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lifted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: ``citizen`` | ``auto`` | ``made_formal`` | ``replacement``
    lifted_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the card's status before the loss (it returns to it when the loss is lifted)
    previous_status: Mapped[str] = mapped_column(String(16))
    kiosk_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Application(Base):
    """A card application (first card, renewal 换领, replacement 补领)."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: the card renewed or replaced (None for a first card)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    outlet: Mapped[str] = mapped_column(String(100))
    #: ``pickup`` | ``mail``
    delivery: Mapped[str] = mapped_column(String(8))
    mailing_address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    expected_by: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kiosk_id: Mapped[str | None] = mapped_column(String(64), nullable=True)

    def __repr__(self) -> str:
        return f"Application({self.id}, {self.kind})"


class ApplicationStage(Base):
    """A production stage an application reached, and when."""

    __tablename__ = "application_stages"
    __table_args__ = (UniqueConstraint("application_id", "stage",
                                       name="uq_application_stages_application_stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CitizenSession(Base):
    """A citizen session (``POST /v1/sessions``); only the token's SHA-256 is stored."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: None until the identity is verified (an SMS challenge still open)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: the authenticated card (``method == "card"``)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"), nullable=True)
    card_auth_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    #: ``card`` | ``sms`` | ``face``
    method: Mapped[str] = mapped_column(String(8))
    verified: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def __repr__(self) -> str:
        return f"CitizenSession({self.id}, {self.method}, verified={self.verified})"


class SmsChallenge(Base):
    """The code sent for an SMS session; only a keyed hash of the code is stored."""

    __tablename__ = "sms_challenges"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class IdentityAttempt(Base):
    """One identity check (a session opened by SMS or face, a code checked).

    ``subject`` is a keyed hash of the social security number tried (never the
    number itself); the per-number and per-kiosk limits count these rows.
    """

    __tablename__ = "identity_attempts"
    __table_args__ = (Index("ix_identity_attempts_subject_at", "subject", "at"),
                      Index("ix_identity_attempts_kiosk_id_at", "kiosk_id", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(64))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    #: ``failed`` (counts against the number) | ``sms_sent`` | ``verified``
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class KioskHeartbeat(Base):
    """The latest heartbeat of each terminal (the fleet view)."""

    __tablename__ = "kiosk_heartbeats"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    software_version: Mapped[str] = mapped_column(String(64))
    #: the ``devices`` object as JSON text
    devices: Mapped[str] = mapped_column(Text)
    journal_backlog: Mapped[int] = mapped_column(Integer)
    uptime_s: Mapped[float] = mapped_column(Float)
    beats: Mapped[int] = mapped_column(Integer)


# --- technicians (schema version 3): maintenance mode at the kiosks -------------------

class Technician(Base):
    """A technician who may put a kiosk into maintenance mode (``POST /v1/technicians/verify``).

    Two factors: a PIN, stored only as a salted scrypt hash
    (:func:`kiosk.secret_hash.hash_secret`), and the one-time codes of an
    authenticator app (TOTP, RFC 6238) whose base32 secret is stored here (the
    server must compute the codes; protect this table like the HSM's keys).
    ``failed_count`` counts failures in a row; the fifth locks the account until
    ``locked_until``. ``last_otp_step`` is the time step of the last code
    accepted: a code is never accepted twice.
    """

    __tablename__ = "technicians"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the login, e.g. ``T0001`` (stored in upper case; compared case-insensitively)
    account: Mapped[str] = mapped_column(String(32), unique=True)
    #: the display name (shown on the kiosk's maintenance screen, never logged)
    name: Mapped[str] = mapped_column(String(64))
    pin_hash: Mapped[str] = mapped_column(String(160))
    totp_secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean)
    failed_count: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_otp_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:  # no name, no secrets
        return f"Technician({self.account}, active={self.active})"


class TechnicianKioskLock(Base):
    """Failed technician verifications in a row at one kiosk, and its lock."""

    __tablename__ = "technician_kiosk_locks"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_count: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class TechnicianToken(Base):
    """A maintenance token handed to a kiosk; only its SHA-256 is stored."""

    __tablename__ = "technician_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id"), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
