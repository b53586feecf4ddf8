"""Fixtures of the back-office tests: real servers on loopback, signed raw requests.

``SSC_TEST_DB=postgresql`` runs the same tests with every server on a fresh
database of a private PostgreSQL (``tests/support/postgres.py``); `.ci/run` runs
the back-office suite both ways.
"""

from __future__ import annotations

import os

import pytest

from backoffice import testing
from backoffice.config import BackOfficeConfig
from backoffice.server import EmbeddedBackOffice
from tests.support.postgres import postgres_server  # noqa: F401  (fixture)

ON_POSTGRES = os.environ.get("SSC_TEST_DB") == "postgresql"


@pytest.fixture(scope="session", autouse=ON_POSTGRES)
def every_server_on_postgres(request):
    """Point every test server of this run at a fresh PostgreSQL database."""
    if not ON_POSTGRES:
        yield None
        return
    pg = request.getfixturevalue("postgres_server")
    testing.database_factory = pg.create_database  # one fresh database per server
    yield pg
    testing.database_factory = None


@pytest.fixture
def server(tmp_path):
    """A demo/test-mode back office on a loopback port (SQLite file, or PostgreSQL)."""
    db_url = testing.database_factory() if testing.database_factory else f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    config = BackOfficeConfig.for_tests(db_url=db_url)
    with EmbeddedBackOffice(config) as bo:
        yield bo


@pytest.fixture
def kiosk(server):
    raw = testing.Kiosk(server.url)
    yield raw
    raw.close()

