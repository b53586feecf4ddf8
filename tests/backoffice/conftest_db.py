"""Database fixtures of the back-office tests: the same test on SQLite and on PostgreSQL.

Import them into a test module (or into ``conftest.py``) to use them::

    from conftest_db import db_url, postgres_server  # noqa: F401

- ``db_url``: parametrized ``sqlite`` / ``postgresql``: a fresh SQLite file, or a
  fresh database on the session's private PostgreSQL (``tests/support/postgres.py``),
  dropped afterwards. The PostgreSQL variant is skipped with the reason where
  PostgreSQL is not installed (a failure under ``CI=true``).
- ``pg_url``: the PostgreSQL variant alone.
"""

from __future__ import annotations

import pytest

from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh, empty database of each backend (a SQLAlchemy URL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def pg_url(postgres_url):  # noqa: F811
    """A fresh database on the private PostgreSQL."""
    return postgres_url
