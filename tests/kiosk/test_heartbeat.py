"""The kiosk's heartbeat thread against the reference back office on loopback: it
beats, reports what the fleet view shows, learns of a new configuration, stops
within its bound, and survives a back office that is not there."""

from __future__ import annotations

import logging
import time

import pytest

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig
from backoffice.routes.kiosks import fleet
from backoffice.server import EmbeddedBackOffice
from kiosk.backoffice_client import BackOfficeClient
from kiosk.errors import BackOfficeUnavailable
from kiosk.heartbeat import Heartbeat
from tests.support.network import dead_url


@pytest.fixture
def server(tmp_path):
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with EmbeddedBackOffice(config) as bo:
        yield bo


@pytest.fixture
def client(server):
    c = BackOfficeClient(server.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, connect_timeout=2,
                         read_timeout=5, max_attempts=1)
    yield c
    c.close()


def stored(server) -> dict | None:
    with server.state.database.session() as s:
        rows = {row["kiosk_id"]: row for row in fleet(s)}
    return rows.get(DEMO_KIOSK_ID)


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_the_thread_beats_every_interval_and_stops_within_its_bound(server, client):
    backlog = iter(range(100))
    beat = Heartbeat(client, interval_s=0.05, backlog=lambda: next(backlog),
                     devices=lambda: {"reader": "ok", "camera": {"state": "absent"}},
                     version="9.9.9")
    beat.start()
    try:
        row = wait_for(lambda: (r := stored(server)) and r["beats"] >= 3 and r)
    finally:
        started = time.monotonic()
        assert beat.stop(timeout=5)
        assert time.monotonic() - started < 5
    assert not beat.running
    assert row["software_version"] == "9.9.9"
    assert row["devices"] == {"reader": "ok", "camera": {"state": "absent"}}
    assert row["journal_backlog"] >= 2  # the source is read at every beat
    assert beat.last_error_code is None and beat.last_ok_at is not None
    assert beat.sent >= 3 and beat.failed == 0
    # no beat after stop()
    beats = stored(server)["beats"]
    time.sleep(0.2)
    assert stored(server)["beats"] == beats


def test_uptime_counts_from_construction(server, client):
    now = [1000.0]
    beat = Heartbeat(client, clock=lambda: now[0])
    now[0] += 42.5
    beat.send_once()
    assert stored(server)["uptime_s"] == 42  # whole seconds on the wire
    assert beat.last_ok_at == 1042.5


def test_a_new_configuration_version_is_announced_once(server, client):
    seen = []
    beat = Heartbeat(client, config_version="an-old-version", on_config_changed=seen.append)
    answer = beat.send_once()
    assert seen == [answer.config_version] == [client.kiosk_config().raw["config_version"]]
    beat.send_once()
    assert len(seen) == 1  # the same version again: nothing to fetch
    assert client.kiosk_config().raw["heartbeat_interval_s"] == 60


def test_a_broken_source_still_beats_and_says_so(server, client):
    def broken():
        raise OSError("journal locked")

    beat = Heartbeat(client, backlog=broken, devices=lambda: {"reader": "ok"})
    beat.send_once()
    row = stored(server)
    assert row["devices"] == {"reader": "ok", "journal": "error"}
    assert row["journal_backlog"] == 0


def test_a_dead_back_office_is_remembered_not_raised(caplog):
    client = BackOfficeClient(dead_url(), DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, connect_timeout=1,
                              read_timeout=1, max_attempts=1)
    beat = Heartbeat(client, interval_s=0.05)
    try:
        with pytest.raises(BackOfficeUnavailable):
            beat.send_once()  # a direct call gets the typed error
        with caplog.at_level(logging.WARNING, logger="kiosk.heartbeat"):
            beat.start()
            wait_for(lambda: beat.failed >= 3)
            assert beat.running  # the failures did not end the thread
            assert beat.stop(timeout=5)
    finally:
        beat.stop(timeout=5)
        client.close()
    assert beat.last_error_code == "BACKOFFICE_UNAVAILABLE"
    assert beat.last_ok_at is None and beat.sent == 0
    assert any("BACKOFFICE_UNAVAILABLE" in r.getMessage() for r in caplog.records)
