"""The back office's tables (SQLAlchemy 2.0 declarative models).

Times are stored as UTC (:class:`UTCDateTime` gives timezone-aware values back
on every database, SQLite included). ``SCHEMA_VERSION`` is recorded in
``schema_version``; the versioned migrations of the next issue start from it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (DateTime, Integer, LargeBinary, MetaData, String, UniqueConstraint,
                        Index)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

#: bump with every migration
SCHEMA_VERSION = 1

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
