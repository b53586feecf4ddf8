"""Versioned schema migrations, run at start-up (``Database.create_schema``).

A small explicit scheme instead of a migration framework: each migration is a
numbered function that receives a connection inside a transaction and changes
the schema from version N-1 to N; ``schema_version`` records every version
applied (one row each, with its time). :func:`migrate` applies the missing
ones in order, each in its own transaction, under a lock (PostgreSQL: an
advisory lock; SQLite: ``BEGIN IMMEDIATE``), so two servers starting on one
database do not both migrate it.

Rules for a new migration:

- append ``Migration(N, "what", _vN)`` to :data:`MIGRATIONS` and set
  :data:`backoffice.models.SCHEMA_VERSION` to N;
- describe the tables *as they are at that version* here (frozen copies, own
  ``MetaData``), never by importing the models: the models follow the newest
  version, a migration must keep producing the schema of its own;
- change :mod:`backoffice.models` to match; ``test_bo_migrations`` checks that
  an empty database migrated to the newest version has exactly the models'
  tables, columns and indexes, and that an old database keeps its rows.

A database whose version is newer than this code knows refuses to start
(:class:`SchemaTooNew`): an older server must not write to a newer schema.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import (Boolean, Column, Date, Engine, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Table, Text, UniqueConstraint, inspect,
                        select, text)
from sqlalchemy.engine import Connection

from .models import NAMING_CONVENTION, SCHEMA_VERSION, UTCDateTime

log = logging.getLogger("backoffice.migrations")

#: an arbitrary constant: the PostgreSQL advisory lock held while migrating
_PG_LOCK_ID = 0x55C_B0_0001


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer server than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def _version_table(metadata: MetaData) -> Table:
    return Table("schema_version", metadata,
                 Column("version", Integer, primary_key=True, autoincrement=False),
                 Column("applied_at", UTCDateTime, nullable=False))


# --- 1: card authentications and idempotency keys (the first back office) ----------------

def _v1(conn: Connection) -> None:
    m = _metadata()
    Table("card_auths", m,
          Column("id", String(36), primary_key=True),
          Column("card_no", String(32), nullable=False, index=True),
          Column("card_id_code", String(32), nullable=False),
          Column("kiosk_id", String(64), nullable=False, index=True),
          Column("created_at", UTCDateTime, nullable=False),
          Column("expires_at", UTCDateTime, nullable=False))
    Table("idempotency_keys", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("kiosk_id", String(64), nullable=False),
          Column("key", String(36), nullable=False),
          Column("request_hash", String(64), nullable=False),
          Column("method", String(8), nullable=False),
          Column("path", String(255), nullable=False),
          Column("state", String(16), nullable=False),
          Column("lock_token", String(36), nullable=False),
          Column("locked_at", UTCDateTime, nullable=False),
          Column("created_at", UTCDateTime, nullable=False),
          Column("completed_at", UTCDateTime, nullable=True),
          Column("response_status", Integer, nullable=True),
          Column("response_content_type", String(128), nullable=True),
          Column("response_body", LargeBinary, nullable=True),
          UniqueConstraint("kiosk_id", "key", name="uq_idempotency_keys_kiosk_key"),
          Index("ix_idempotency_keys_created_at", "created_at"))
    # checkfirst: a database made by the first back office (create_all, then
    # version 1 recorded) already has them
    m.create_all(conn, checkfirst=True)


# --- 2: people, cards, losses, applications, sessions, limits, heartbeats ----------------

def _v2(conn: Connection) -> None:
    m = _metadata()
    Table("people", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("ssn", String(18), nullable=False, unique=True),
          Column("name", String(64), nullable=False),
          Column("gender", String(1), nullable=False),
          Column("ethnicity", String(2), nullable=False),
          Column("nationality", String(3), nullable=False),
          Column("birth_date", Date, nullable=False),
          Column("id_valid_until", String(10), nullable=True),
          Column("phone", String(11), nullable=True),
          Column("address", String(200), nullable=True),
          Column("mailing_address", String(200), nullable=True),
          Column("jurisdiction", String(40), nullable=False),
          Column("created_at", UTCDateTime, nullable=False),
          Column("updated_at", UTCDateTime, nullable=False))
    Table("cards", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("card_no", String(32), nullable=False, unique=True),
          Column("card_id_code", String(32), nullable=True),
          Column("person_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
          Column("status", String(16), nullable=False),
          Column("issued_on", Date, nullable=False),
          Column("expires_on", Date, nullable=False),
          Column("bank", String(64), nullable=True),
          Column("created_at", UTCDateTime, nullable=False),
          Column("updated_at", UTCDateTime, nullable=False))
    Table("losses", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("card_id", Integer, ForeignKey("cards.id"), nullable=False, index=True),
          Column("kind", String(16), nullable=False),
          Column("duration", String(16), nullable=True),
          Column("since", UTCDateTime, nullable=False),
          Column("auto_lift_at", UTCDateTime, nullable=True),
          Column("lifted_at", UTCDateTime, nullable=True),
          Column("lifted_by", String(16), nullable=True),
          Column("previous_status", String(16), nullable=False),
          Column("kiosk_id", String(64), nullable=True))
    Table("applications", m,
          Column("id", String(36), primary_key=True),
          Column("person_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
          Column("card_id", Integer, ForeignKey("cards.id"), nullable=True),
          Column("kind", String(16), nullable=False),
          Column("reason", String(40), nullable=True),
          Column("outlet", String(100), nullable=False),
          Column("delivery", String(8), nullable=False),
          Column("mailing_address", String(200), nullable=True),
          Column("photo", LargeBinary, nullable=True),
          Column("expected_by", Date, nullable=False),
          Column("created_at", UTCDateTime, nullable=False),
          Column("kiosk_id", String(64), nullable=True))
    Table("application_stages", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("application_id", String(36), ForeignKey("applications.id"), nullable=False,
                 index=True),
          Column("stage", String(32), nullable=False),
          Column("at", UTCDateTime, nullable=False),
          UniqueConstraint("application_id", "stage",
                           name="uq_application_stages_application_stage"))
    Table("sessions", m,
          Column("id", String(36), primary_key=True),
          Column("token_hash", String(64), nullable=True, unique=True),
          Column("person_id", Integer, ForeignKey("people.id"), nullable=False, index=True),
          Column("card_id", Integer, ForeignKey("cards.id"), nullable=True),
          Column("card_auth_id", String(36), nullable=True),
          Column("kiosk_id", String(64), nullable=False, index=True),
          Column("method", String(8), nullable=False),
          Column("verified", Boolean, nullable=False),
          Column("created_at", UTCDateTime, nullable=False),
          Column("expires_at", UTCDateTime, nullable=False),
          Column("ended_at", UTCDateTime, nullable=True))
    Table("sms_challenges", m,
          Column("session_id", String(36), ForeignKey("sessions.id"), primary_key=True),
          Column("code_hash", String(64), nullable=False),
          Column("attempts", Integer, nullable=False),
          Column("expires_at", UTCDateTime, nullable=False),
          Column("used_at", UTCDateTime, nullable=True))
    Table("identity_attempts", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("subject", String(64), nullable=False),
          Column("kiosk_id", String(64), nullable=False),
          Column("method", String(8), nullable=False),
          Column("outcome", String(16), nullable=False),
          Column("at", UTCDateTime, nullable=False),
          Index("ix_identity_attempts_subject_at", "subject", "at"),
          Index("ix_identity_attempts_kiosk_id_at", "kiosk_id", "at"))
    Table("kiosk_heartbeats", m,
          Column("kiosk_id", String(64), primary_key=True),
          Column("first_seen_at", UTCDateTime, nullable=False),
          Column("last_seen_at", UTCDateTime, nullable=False),
          Column("software_version", String(64), nullable=False),
          Column("devices", Text, nullable=False),
          Column("journal_backlog", Integer, nullable=False),
          Column("uptime_s", Float, nullable=False),
          Column("beats", Integer, nullable=False))
    m.create_all(conn)


# --- 3: technicians (maintenance mode), their lockouts per kiosk, maintenance tokens ------

def _v3(conn: Connection) -> None:
    m = _metadata()
    Table("technicians", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("account", String(32), nullable=False, unique=True),
          Column("name", String(64), nullable=False),
          Column("pin_hash", String(160), nullable=False),
          Column("totp_secret", String(64), nullable=False),
          Column("active", Boolean, nullable=False),
          Column("failed_count", Integer, nullable=False),
          Column("locked_until", UTCDateTime, nullable=True),
          Column("last_otp_step", Integer, nullable=True),
          Column("created_at", UTCDateTime, nullable=False),
          Column("updated_at", UTCDateTime, nullable=False))
    Table("technician_kiosk_locks", m,
          Column("kiosk_id", String(64), primary_key=True),
          Column("failed_count", Integer, nullable=False),
          Column("locked_until", UTCDateTime, nullable=True),
          Column("updated_at", UTCDateTime, nullable=False))
    Table("technician_tokens", m,
          Column("id", String(36), primary_key=True),
          Column("token_hash", String(64), nullable=False, unique=True),
          Column("technician_id", Integer, ForeignKey("technicians.id"), nullable=False,
                 index=True),
          Column("kiosk_id", String(64), nullable=False),
          Column("created_at", UTCDateTime, nullable=False),
          Column("expires_at", UTCDateTime, nullable=False))
    m.create_all(conn)


#: every migration, in order; the last one's version is ``models.SCHEMA_VERSION``
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "card authentications and idempotency keys", _v1),
    Migration(2, "people, cards, losses, applications, sessions, identity limits, "
                 "heartbeats", _v2),
    Migration(3, "technicians, their lockouts per kiosk, maintenance tokens", _v3),
)

assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
assert MIGRATIONS[-1].version == SCHEMA_VERSION, "models.SCHEMA_VERSION is not the newest"


def current_version(conn: Connection) -> int:
    """The newest version recorded in the database (0 for an empty database)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    table = _version_table(_metadata())
    return conn.scalar(select(table.c.version).order_by(table.c.version.desc()).limit(1)) or 0


def migrate(engine: Engine, now: dt.datetime, *, target: int | None = None) -> list[int]:
    """Bring the database to ``target`` (default: the newest); return the versions applied."""
    target = SCHEMA_VERSION if target is None else target
    if not 0 <= target <= SCHEMA_VERSION:
        raise ValueError(f"no migration to version {target}")
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version > target:
            break
        with engine.begin() as conn:
            _lock(conn)
            version_table = _version_table(_metadata())
            version_table.create(conn, checkfirst=True)
            version = current_version(conn)
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(f"the database is at schema version {version}; this "
                                   f"server knows versions up to {SCHEMA_VERSION}")
            if version >= migration.version:
                continue
            if version != migration.version - 1:  # pragma: no cover - a gap cannot happen
                raise RuntimeError(f"schema version {version} cannot go to {migration.version}")
            log.info("migrating the database to schema version %d (%s)", migration.version,
                     migration.description)
            migration.apply(conn)
            conn.execute(version_table.insert().values(version=migration.version,
                                                       applied_at=now))
            applied.append(migration.version)
    # a database newer than this code, with nothing to apply
    with engine.connect() as conn:
        version = current_version(conn)
        conn.rollback()
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(f"the database is at schema version {version}; this server "
                           f"knows versions up to {SCHEMA_VERSION}")
    return applied


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    # SQLite: the engine begins every transaction with BEGIN IMMEDIATE (see db.py)
