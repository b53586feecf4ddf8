"""The fleet view of the reference back office, over real HTTP: a kiosk that stops
sending heartbeats shows as down on ``GET /fleet`` and in ``GET /metrics``; the
metrics are a valid Prometheus text exposition; the citizen operations served
are counted by outcome."""

from __future__ import annotations

import math
import os
import re
import uuid

import pytest
import requests

from backoffice import testing
from backoffice.config import DEMO_KIOSK_ID, BackOfficeConfig, ConfigError
from backoffice.hsm import HsmKeys
from backoffice.server import EmbeddedBackOffice
from bo_support import TEST_KIOSK_ID, TEST_KIOSK_SECRET

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@pytest.fixture
def bo():
    """A test-mode back office (heartbeats every 60 s: down after 180 s) with two kiosks."""
    server = testing.start("hubei", kiosks={TEST_KIOSK_ID: TEST_KIOSK_SECRET})
    server.other = testing.Kiosk(server.url, TEST_KIOSK_ID, TEST_KIOSK_SECRET)
    yield server
    server.other.close()
    server.stop()


def beat(kiosk: testing.Kiosk, *, version: str = "0.3.0", backlog: int = 0,
         devices: dict | None = None, uptime_s: float = 100) -> dict:
    return kiosk.ok("POST", "/v1/kiosks/heartbeat", {
        "software_version": version, "devices": devices if devices is not None else {"reader": "ok"},
        "journal_backlog": backlog, "uptime_s": uptime_s})


# --- a strict reader of the text exposition format 0.0.4 --------------------------------

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"'
_SAMPLE_RE = re.compile(
    rf"^(?P<name>{_NAME})(?:\{{(?P<labels>(?:{_LABEL})(?:,{_LABEL})*)?\}})? (?P<value>\S+)$")
_HELP_RE = re.compile(rf"^# HELP ({_NAME}) (.*)$")
_TYPE_RE = re.compile(rf"^# TYPE ({_NAME}) (counter|gauge|histogram|summary|untyped)$")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)


def parse_exposition(text: str) -> dict[tuple[str, frozenset], float]:
    """``(name, frozenset(labels.items())) -> value``; fails on any malformed line."""
    assert text.endswith("\n"), "the exposition ends with a line feed"
    types: dict[str, str] = {}
    helps: set[str] = set()
    samples: dict[tuple[str, frozenset], float] = {}
    for line in text.splitlines():
        if m := _HELP_RE.match(line):
            assert m.group(1) not in helps, f"second HELP for {m.group(1)}"
            helps.add(m.group(1))
            continue
        if m := _TYPE_RE.match(line):
            assert m.group(1) not in types, f"second TYPE for {m.group(1)}"
            assert not any(name == m.group(1) for name, _ in samples), "TYPE after samples"
            types[m.group(1)] = m.group(2)
            continue
        assert not line.startswith("#") and line.strip(), f"malformed line {line!r}"
        m = _SAMPLE_RE.match(line)
        assert m, f"malformed sample {line!r}"
        name, label_text, value = m.group("name"), m.group("labels"), m.group("value")
        assert name in types, f"{name} has no TYPE line"
        labels = {k: _unescape(v) for k, v in re.findall(_LABEL, label_text or "")}
        if value in ("NaN", "+Inf", "-Inf"):
            number = float(value.replace("Inf", "inf"))
        else:
            number = float(value)  # raises on anything else
        if types[name] == "counter":
            assert name.endswith("_total") and number >= 0, line
        key = (name, frozenset(labels.items()))
        assert key not in samples, f"duplicate sample {line!r}"
        samples[key] = number
    assert types.keys() <= helps, "every family has its HELP"
    return samples


def metrics(url: str) -> dict[tuple[str, frozenset], float]:
    r = requests.get(url + "/metrics", timeout=10)  # unsigned: the operator's monitoring
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == PROMETHEUS_CONTENT_TYPE
    return parse_exposition(r.text)


def value(samples: dict, name: str, **labels) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def fleet_rows(url: str) -> dict[str, list[str]]:
    """The status page's table: kiosk id -> [status, age, version, backlog, journal, devices]."""
    r = requests.get(url + "/fleet", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert re.search(r'<meta http-equiv="refresh" content="\d+">', r.text)
    assert "<script" not in r.text
    rows = {}
    for tr_class, cells in re.findall(r'<tr class="(up|down)">(.*?)</tr>', r.text):
        values = re.findall(r"<td>(.*?)</td>", cells)
        assert values[1] == tr_class
        rows[values[0]] = values[1:]
    return rows


# --- up and down ---------------------------------------------------------------------------

def test_a_kiosk_that_stops_sending_heartbeats_shows_as_down(bo):
    beat(bo.kiosk, version="0.3.0", backlog=2, uptime_s=500)
    beat(bo.other, version="0.4.0", backlog=0, uptime_s=50,
         devices={"reader": "ok", "camera": {"state": "absent"}})
    m = metrics(bo.url)
    assert value(m, "ssc_kiosks_up") == 2 and value(m, "ssc_kiosks_down") == 0
    assert value(m, "ssc_kiosk_up", kiosk=DEMO_KIOSK_ID) == 1
    assert value(m, "ssc_kiosk_up", kiosk=TEST_KIOSK_ID) == 1
    assert value(m, "ssc_kiosk_journal_backlog", kiosk=DEMO_KIOSK_ID) == 2
    assert value(m, "ssc_kiosk_uptime_seconds", kiosk=DEMO_KIOSK_ID) == 500
    assert value(m, "ssc_kiosk_devices_not_ok", kiosk=TEST_KIOSK_ID) == 1
    assert value(m, "ssc_kiosk_info", kiosk=TEST_KIOSK_ID, version="0.4.0") == 1
    assert value(m, "ssc_kiosk_down_after_seconds") == 180

    # three heartbeat intervals and a little more pass; only the test kiosk beats again
    bo.kiosk.ok("POST", "/v1/test/clock", {"advance_s": 200})
    beat(bo.other, version="0.4.0", backlog=1, uptime_s=250,
         devices={"reader": "ok", "camera": {"state": "absent"}})

    m = metrics(bo.url)
    assert value(m, "ssc_kiosk_up", kiosk=DEMO_KIOSK_ID) == 0
    assert value(m, "ssc_kiosk_up", kiosk=TEST_KIOSK_ID) == 1
    assert value(m, "ssc_kiosks_up") == 1 and value(m, "ssc_kiosks_down") == 1
    assert value(m, "ssc_kiosk_last_heartbeat_age_seconds", kiosk=DEMO_KIOSK_ID) >= 200
    assert value(m, "ssc_kiosk_last_heartbeat_age_seconds", kiosk=TEST_KIOSK_ID) < 60
    assert value(m, "ssc_kiosk_journal_backlog", kiosk=TEST_KIOSK_ID) == 1

    rows = fleet_rows(bo.url)
    assert set(rows) == {DEMO_KIOSK_ID, TEST_KIOSK_ID}
    status, age, version, backlog, journal, devices = rows[DEMO_KIOSK_ID]
    assert status == "down" and age.startswith("3 min") and age.endswith("ago")
    assert (version, backlog, journal, devices) == ("0.3.0", "2", "", "")
    status, age, version, backlog, journal, devices = rows[TEST_KIOSK_ID]
    assert status == "up" and (version, backlog, devices) == ("0.4.0", "1", "camera")

    # the silent kiosk comes back
    beat(bo.kiosk)
    assert value(metrics(bo.url), "ssc_kiosks_down") == 0
    assert fleet_rows(bo.url)[DEMO_KIOSK_ID][0] == "up"


def test_a_kiosk_whose_journal_cannot_be_written_shows_on_the_page_and_in_the_metrics(bo):
    beat(bo.kiosk, devices={"reader": "ok", "journal": {
        "state": "unwritable", "reason": "disk_full", "since": "2025-01-01T10:00:00Z"}})
    beat(bo.other, devices={"reader": "ok", "journal": {
        "state": "replaced", "kept": ["journal.sqlite3.damaged-20250101T100000.000000Z"]}})
    m = metrics(bo.url)
    assert value(m, "ssc_kiosk_journal_state", kiosk=DEMO_KIOSK_ID, state="unwritable") == 1
    assert value(m, "ssc_kiosk_journal_state", kiosk=TEST_KIOSK_ID, state="replaced") == 1
    assert value(m, "ssc_kiosk_devices_not_ok", kiosk=DEMO_KIOSK_ID) == 1
    rows = fleet_rows(bo.url)
    assert rows[DEMO_KIOSK_ID][4] == "unwritable: disk_full"
    assert rows[TEST_KIOSK_ID][4] == "replaced"
    assert rows[DEMO_KIOSK_ID][5] == "journal"

    beat(bo.kiosk, devices={"reader": "ok", "journal": "ok"})     # space came back
    m = metrics(bo.url)
    assert value(m, "ssc_kiosk_journal_state", kiosk=DEMO_KIOSK_ID, state="ok") == 1
    assert fleet_rows(bo.url)[DEMO_KIOSK_ID][4:] == ["ok", ""]


def test_the_threshold_follows_the_interval_the_kiosks_are_told():
    server = testing.start("hubei", heartbeat_interval_s=10)
    try:
        config = server.kiosk.ok("GET", "/v1/kiosks/config")
        assert config["heartbeat_interval_s"] == 10
        beat(server.kiosk)
        server.kiosk.ok("POST", "/v1/test/clock", {"advance_s": 25})
        assert value(metrics(server.url), "ssc_kiosk_up", kiosk=DEMO_KIOSK_ID) == 1
        server.kiosk.ok("POST", "/v1/test/clock", {"advance_s": 10})  # 35 s > 3 x 10 s
        m = metrics(server.url)
        assert value(m, "ssc_kiosk_up", kiosk=DEMO_KIOSK_ID) == 0
        assert value(m, "ssc_kiosk_down_after_seconds") == 30
    finally:
        server.stop()


def test_a_registered_kiosk_that_never_sent_a_heartbeat_is_down(bo):
    beat(bo.kiosk)
    m = metrics(bo.url)
    assert value(m, "ssc_kiosk_up", kiosk=TEST_KIOSK_ID) == 0
    assert value(m, "ssc_kiosks_down") == 1
    # no age, backlog or uptime is made up for it
    assert value(m, "ssc_kiosk_last_heartbeat_age_seconds", kiosk=TEST_KIOSK_ID) is None
    assert fleet_rows(bo.url)[TEST_KIOSK_ID][:2] == ["down", "never"]


def test_values_from_kiosks_are_escaped_on_the_page_and_in_the_metrics(bo):
    version = 'x<b>"1"\\</b>'
    beat(bo.kiosk, version=version, devices={"<img src=x>": "broken", "reader": "ok"})
    page = requests.get(bo.url + "/fleet", timeout=10).text
    assert "<b>" not in page and "<img" not in page
    assert "x&lt;b&gt;&quot;1&quot;\\&lt;/b&gt;" in page and "&lt;img src=x&gt;" in page
    m = metrics(bo.url)  # parses: the label value is escaped
    assert value(m, "ssc_kiosk_info", kiosk=DEMO_KIOSK_ID, version=version) == 1


# --- service outcomes -------------------------------------------------------------------------

def test_service_outcomes_count_the_citizen_operations_served(bo):
    before = metrics(bo.url)
    token = bo.token("hubei_active", "face")
    key = str(uuid.uuid4())
    bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token, key=key)
    # the same request again (a retry): the stored answer, not a second operation
    bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token, key=key)
    refused = bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token)
    assert refused.status_code == 409
    bo.kiosk.ok("DELETE", "/v1/me/card/loss", token=token)
    bo.kiosk.ok("GET", "/v1/me/card", token=token)
    too_large = bo.kiosk.send("POST", "/v1/sessions", b"{" + b" " * (9 * 1024 * 1024) + b"}")
    assert too_large.status_code == 413  # counting never spoils an answer

    after = metrics(bo.url)

    def delta(service: str, outcome: str) -> float:
        labels = {"jurisdiction": "hubei", "service": service, "outcome": outcome}
        return (value(after, "ssc_service_outcomes_total", **labels) or 0) - \
            (value(before, "ssc_service_outcomes_total", **labels) or 0)

    assert delta("session_face", "ok") == 1
    assert delta("temporary_loss", "ok") == 1
    assert delta("temporary_loss", "CARD_ALREADY_LOST") == 1
    assert delta("lift_loss", "ok") == 1
    assert delta("card_status", "ok") == 1
    assert delta("session", "PAYLOAD_TOO_LARGE") == 1
    # reading the metrics or beating is not a citizen operation
    assert not [k for k in after if k[0] == "ssc_service_outcomes_total"
                and dict(k[1])["service"] not in SERVICES]


SERVICES = {"session_card", "session_sms", "session_face", "session", "session_sms_verify",
            "card_status", "progress", "temporary_loss", "formal_loss", "report_loss",
            "lift_loss", "profile_change", "pin_reset", "pin_unblock", "pin_authorization",
            "renewal"}


# --- who may read them -----------------------------------------------------------------------

def _production_config(tmp_path, **changes) -> BackOfficeConfig:
    keys = HsmKeys(os.urandom(16), os.urandom(16), os.urandom(16))
    return BackOfficeConfig(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}", hsm_keys=keys,
                            kiosks={"kiosk-prod-001": "a-production-secret-0123456789"},
                            **changes)


def test_production_serves_the_fleet_only_when_told(tmp_path):
    with EmbeddedBackOffice(_production_config(tmp_path)) as off:
        for path in ("/metrics", "/fleet"):
            r = requests.get(off.url + path, timeout=10)
            assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    with EmbeddedBackOffice(_production_config(tmp_path, expose_fleet=True)) as on:
        m = metrics(on.url)
        assert value(m, "ssc_kiosk_up", kiosk="kiosk-prod-001") == 0  # never seen
        assert "kiosk-prod-001" in fleet_rows(on.url)


def test_the_fleet_settings_are_checked_and_read_from_the_environment():
    config = BackOfficeConfig.from_env({"SSC_BACKOFFICE_EXPOSE_FLEET": "yes",
                                        "SSC_BACKOFFICE_HEARTBEAT_INTERVAL_S": "30"})
    assert config.fleet_exposed and config.down_after_s == 90
    assert not BackOfficeConfig().fleet_exposed and BackOfficeConfig.for_tests().fleet_exposed
    with pytest.raises(ConfigError):
        BackOfficeConfig.from_env({"SSC_BACKOFFICE_EXPOSE_FLEET": "maybe"})
    with pytest.raises(ConfigError, match="kiosk_down_after_s"):
        BackOfficeConfig.for_tests(heartbeat_interval_s=60, kiosk_down_after_s=30).validate()
    with pytest.raises(ConfigError, match="heartbeat_interval_s"):
        BackOfficeConfig.for_tests(heartbeat_interval_s=0).validate()
    assert math.isclose(BackOfficeConfig(kiosk_down_after_s=400).down_after_s, 400)
