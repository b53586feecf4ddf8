"""Versioned schema migrations: an empty database, an old one, a newer one, both backends."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import create_engine, inspect, select, text

from backoffice.app import create_app, get_state
from backoffice.config import BackOfficeConfig
from backoffice.db import Database
from backoffice.migrations import MIGRATIONS, SchemaTooNew, current_version, migrate
from backoffice.models import SCHEMA_VERSION, Base
from conftest_db import db_url, postgres_server, postgres_url  # noqa: F401  (fixtures)

NOW = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)


def schema_of(engine) -> dict:
    """Tables -> columns (name, nullable, type family), primary key, indexes, uniques."""
    insp = inspect(engine)
    out = {}
    for table in sorted(insp.get_table_names()):
        columns = {c["name"]: (c["nullable"], _family(c["type"])) for c in insp.get_columns(table)}
        indexes = {(tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)}
        uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints(table)}
        # a unique index and a unique constraint are the same thing here
        uniques |= {cols for cols, unique in indexes if unique}
        indexes = {cols for cols, unique in indexes if not unique}
        pk = tuple(insp.get_pk_constraint(table)["constrained_columns"])
        fks = {(tuple(f["constrained_columns"]), f["referred_table"])
               for f in insp.get_foreign_keys(table)}
        out[table] = {"columns": columns, "pk": pk, "indexes": indexes, "uniques": uniques,
                      "fks": fks}
    return out


def _family(sqltype) -> str:
    name = type(sqltype).__name__.upper()
    for family in ("INT", "CHAR", "TEXT", "BOOL", "DATETIME", "TIMESTAMP", "DATE", "FLOAT",
                   "REAL", "DOUBLE", "BLOB", "BYTEA", "BINARY"):
        if family in name:
            return {"TEXT": "CHAR", "TIMESTAMP": "DATETIME", "REAL": "FLOAT", "DOUBLE": "FLOAT",
                    "BYTEA": "BLOB", "BINARY": "BLOB"}.get(family, family)
    return name


def test_the_numbered_migrations_end_at_the_models_version():
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_an_empty_database_is_migrated_to_exactly_the_models(db_url, tmp_path):  # noqa: F811
    database = Database(db_url)
    try:
        assert database.create_schema(NOW) == list(range(1, SCHEMA_VERSION + 1))
        assert database.schema_version() == SCHEMA_VERSION
        migrated = schema_of(database.engine)
    finally:
        database.dispose()
    # the same models, created directly from their metadata, on a scratch SQLite file
    reference = create_engine(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    Base.metadata.create_all(reference)
    expected = schema_of(reference)
    reference.dispose()
    assert set(migrated) == set(expected)
    for table in expected:
        assert migrated[table]["columns"] == expected[table]["columns"], table
        for part in ("pk", "indexes", "uniques", "fks"):
            assert migrated[table][part] == expected[table][part], (table, part)


def test_an_old_database_keeps_its_rows(db_url):  # noqa: F811
    engine = Database(db_url)
    try:
        assert migrate(engine.engine, NOW, target=1) == [1]
        with engine.engine.begin() as conn:
            assert current_version(conn) == 1
            assert not inspect(conn).has_table("people")
            conn.execute(text("INSERT INTO card_auths (id, card_no, card_id_code, kiosk_id, "
                              "created_at, expires_at) VALUES (:id, 'A10000001', :code, "
                              "'demo-kiosk-001', :t, :t)"),
                         {"id": str(uuid.uuid4()), "code": "420100D156000005A1B2C3D4E5F60718",
                          "t": NOW.replace(tzinfo=None)})
        # the server starts on it: the rest is migrated, the row kept, demo data seeded
        app = create_app(BackOfficeConfig.for_tests(db_url=db_url, jurisdiction="hubei"),
                         database=engine)
        state = get_state(app)
        assert state.database.schema_version() == SCHEMA_VERSION
        with state.database.engine.connect() as conn:
            assert conn.execute(text("SELECT card_no FROM card_auths")).scalars().all() == [
                "A10000001"]
            assert conn.execute(text("SELECT version FROM schema_version ORDER BY version")
                                ).scalars().all() == list(range(1, SCHEMA_VERSION + 1))
            assert conn.execute(text("SELECT count(*) FROM people")).scalar_one() > 50
    finally:
        engine.dispose()


def test_migrating_twice_does_nothing(db_url):  # noqa: F811
    database = Database(db_url)
    try:
        database.create_schema(NOW)
        assert database.create_schema(NOW) == []
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM schema_version")).scalar_one() == \
                SCHEMA_VERSION
    finally:
        database.dispose()


def test_a_database_from_a_newer_server_refuses_to_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    database = Database(url)
    database.create_schema(NOW)
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version (version, applied_at) VALUES (:v, :t)"),
                     {"v": SCHEMA_VERSION + 1, "t": NOW.replace(tzinfo=None)})
    database.dispose()
    with pytest.raises(SchemaTooNew):
        create_app(BackOfficeConfig.for_tests(db_url=url))


def test_a_database_made_by_the_first_back_office(tmp_path):
    """The first back office created its tables with create_all and recorded version 1."""
    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    engine = create_engine(url)
    from sqlalchemy import MetaData

    first = MetaData()
    for name in ("card_auths", "idempotency_keys", "schema_version"):
        Base.metadata.tables[name].to_metadata(first)
    first.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version (version, applied_at) VALUES (1, :t)"),
                     {"t": NOW.replace(tzinfo=None)})
    engine.dispose()
    database = Database(url)
    try:
        assert database.create_schema(NOW) == list(range(2, SCHEMA_VERSION + 1))
        with database.session() as s:
            from backoffice.models import SchemaVersion

            assert list(s.scalars(select(SchemaVersion.version).order_by(
                SchemaVersion.version))) == list(range(1, SCHEMA_VERSION + 1))
    finally:
        database.dispose()
