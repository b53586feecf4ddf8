"""Fixtures of the back-office tests: real servers on loopback, signed raw requests."""

from __future__ import annotations

import pytest

from backoffice.config import BackOfficeConfig
from backoffice.server import EmbeddedBackOffice
from bo_support import RawKiosk


@pytest.fixture
def server(tmp_path):
    """A demo/test-mode back office on a loopback port with a SQLite file."""
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with EmbeddedBackOffice(config) as bo:
        yield bo


@pytest.fixture
def kiosk(server):
    raw = RawKiosk(server.url)
    yield raw
    raw.close()

