"""The diagnostics engine and its hardware-free checks, on real parts: the reference back
office over HTTP, a TLS server with certificates made here, real SQLite journals, espeak-ng.

What a technician must be able to rely on: each check says ok / warning / fail with one
line that names the problem, a broken or hanging check never breaks the others.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backoffice.config import BackOfficeConfig, iso_utc
from backoffice.server import EmbeddedBackOffice
from kiosk import __version__
from kiosk.backoffice_client import BackOfficeClient, report_loss_call
from kiosk.backoffice_types import Session
from kiosk.cli import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from kiosk.diagnostics import (
    FAIL,
    OK,
    WARNING,
    Check,
    CheckResult,
    check_backoffice,
    check_disk,
    check_journal,
    check_rule_pack,
    check_speech,
    check_tls,
    check_version,
    kiosk_checks,
    overall,
    report_json,
    run_check,
    run_checks,
)
from kiosk.journal import SCHEMA_VERSION, Journal, Outbox
from tests.support.network import dead_url
from tests.support.certs import make_certs

UTC = dt.timezone.utc


# --- the engine ---------------------------------------------------------------------------------

def test_results_keep_the_order_of_the_checks_and_fold_into_one_status():
    checks = [Check("a", lambda: CheckResult("a", OK, "fine")),
              Check("b", lambda: [CheckResult("b1", WARNING, "hmm"), CheckResult("b2", OK, "fine")]),
              Check("c", lambda: [])]
    results = run_checks(checks)
    assert [r.name for r in results] == ["a", "b1", "b2"]
    assert all(r.ms is not None for r in results)
    assert overall(results) == WARNING
    assert report_json(results)["ok"] is True
    assert overall([*results, CheckResult("x", FAIL, "broken")]) == FAIL
    assert overall([]) == OK


def test_a_check_that_raises_is_a_fail_naming_the_exception():
    def broken():
        raise ZeroDivisionError("division by zero")

    [r] = run_checks([Check("boom", broken)])
    assert r.status == FAIL and r.name == "boom"
    assert "ZeroDivisionError" in r.summary and r.detail["error"] == "ZeroDivisionError"


def test_a_hanging_check_is_a_fail_within_its_bound_and_the_others_still_answer():
    release = threading.Event()
    try:
        results = run_checks([Check("stuck", lambda: release.wait(30), timeout_s=0.3),
                              Check("fine", lambda: CheckResult("fine", OK, "fine"))])
    finally:
        release.set()
    assert [(r.name, r.status) for r in results] == [("stuck", FAIL), ("fine", OK)]
    assert "did not finish within 0.3 s" in results[0].summary


def test_a_result_is_one_line_of_json():
    r = CheckResult("x", WARNING, "two\nlines   here", {"n": 1})
    assert r.summary == "two lines here"
    assert json.loads(json.dumps(r.to_json_dict())) == {"name": "x", "status": "warning",
                                                        "summary": "two lines here",
                                                        "detail": {"n": 1}, "ms": None}
    with pytest.raises(ValueError):
        CheckResult("x", "great", "")
    [r] = run_check(Check("bad", lambda: CheckResult("bad", OK, "", {"when": dt.date.today()})))
    assert r.status == FAIL and "TypeError" in r.summary   # not serialisable: caught in the check


# --- the back office ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    db = tmp_path_factory.mktemp("diag-bo") / "bo.sqlite3"
    config = BackOfficeConfig.for_demo(db_url=f"sqlite:///{db}", jurisdiction="hubei")
    with EmbeddedBackOffice(config) as bo:
        yield bo


def set_business_clock(office, offset_s: float) -> None:
    with BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        c.request("POST", "/v1/test/clock", json_body={"offset_s": offset_s})


def test_backoffice_up_reports_latency_skew_and_policy(office):
    r = check_backoffice(office.url, expect_jurisdiction="hubei")
    assert r.status == OK, r.summary
    assert r.detail["latency_ms"] > 0
    assert abs(r.detail["clock_skew_s"]) <= 2
    assert r.detail["policy"]["jurisdiction"] == "hubei"
    assert "back office reachable" in r.summary and "hubei" in r.summary


def test_backoffice_running_other_rules_than_the_kiosk_is_a_warning(office):
    r = check_backoffice(office.url, expect_jurisdiction="hunan")
    assert r.status == WARNING and "hunan" in r.summary


@pytest.mark.parametrize("offset_s, status", [(120, WARNING), (-120, WARNING), (900, FAIL)])
def test_clock_skew(office, offset_s, status):
    set_business_clock(office, offset_s)
    try:
        r = check_backoffice(office.url)
    finally:
        set_business_clock(office, 0)
    assert r.status == status, r.summary
    assert abs(r.detail["clock_skew_s"] - offset_s) <= 2
    assert "clock" in r.summary


def test_backoffice_down():
    url = dead_url()
    r = check_backoffice(url)
    assert r.status == FAIL
    assert r.summary.startswith(f"back office unreachable at {url}")
    assert r.detail["reason"] == "connect"


def test_plain_http_to_a_remote_back_office_is_refused_by_the_kiosk():
    r = check_backoffice("http://backoffice.example.org")
    assert r.status == FAIL and "URL refused" in r.summary


# --- TLS ------------------------------------------------------------------------------------------

class HealthOverTls:
    """A real HTTPS server on 127.0.0.1 answering ``GET /v1/health`` like the back office."""

    def __init__(self, cert_file, key_file, *, client_ca=None):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body = json.dumps({"status": "ok", "time": iso_utc(dt.datetime.now(UTC)),
                                   "policy": {"jurisdiction": "hubei", "version": "1"}}).encode()
                self.send_response(200 if self.path == "/v1/health" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        if client_ca is not None:          # mutual TLS, as a terminator for kiosks may demand
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(client_ca)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="diag-tls-server", daemon=True)

    def __enter__(self) -> "HealthOverTls":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def tls_server(tmp_path, days_before: float, days_after: float):
    now = dt.datetime.now(UTC)
    ca, cert, key = make_certs(tmp_path, not_before=now + dt.timedelta(days=days_before),
                               not_after=now + dt.timedelta(days=days_after))
    return ca, HealthOverTls(cert, key)


def test_tls_valid_certificate(tmp_path):
    ca, server = tls_server(tmp_path, -1, 200)
    with server:
        tls = check_tls(server.url, ca_bundle=str(ca))
        health = check_backoffice(server.url, ca_bundle=str(ca))
    assert tls.status == OK, tls.summary
    assert tls.detail["verified"] is True and 199 <= tls.detail["days_left"] <= 200
    assert tls.detail["subject"] == "CN=backoffice.test" and tls.detail["issuer"] == "CN=test CA"
    assert tls.detail["names"] == ["127.0.0.1"]
    assert "valid until" in tls.summary
    assert health.status == OK, health.summary     # the health call itself goes over the same TLS


def test_client_certificate_for_a_back_office_that_demands_one(tmp_path):
    now = dt.datetime.now(UTC)
    ca, cert, key = make_certs(tmp_path, not_before=now - dt.timedelta(days=1),
                               not_after=now + dt.timedelta(days=200))
    with HealthOverTls(cert, key, client_ca=ca) as server:
        without = check_backoffice(server.url, ca_bundle=str(ca))
        health = check_backoffice(server.url, ca_bundle=str(ca), client_cert=(str(cert), str(key)))
        tls = check_tls(server.url, ca_bundle=str(ca), client_cert=(str(cert), str(key)))
    assert without.status == FAIL and "TLS failed" in without.summary
    assert health.status == OK, health.summary
    assert tls.status == OK, tls.summary


def test_tls_certificate_near_its_end_is_a_warning(tmp_path):
    ca, server = tls_server(tmp_path, -300, 10)
    with server:
        r = check_tls(server.url, ca_bundle=str(ca))
    assert r.status == WARNING
    assert "expires in 10 days" in r.summary


def test_tls_expired_certificate_is_a_fail(tmp_path):
    ca, server = tls_server(tmp_path, -100, -3)
    with server:
        r = check_tls(server.url, ca_bundle=str(ca))
        health = check_backoffice(server.url, ca_bundle=str(ca))
    assert r.status == FAIL
    assert "expired on" in r.summary and "3 days ago" in r.summary
    assert r.detail["verified"] is False and r.detail["problem"] == "certificate has expired"
    assert health.status == FAIL and "TLS failed: a certificate was refused" in health.summary


def test_tls_certificate_of_an_unknown_ca_is_a_fail(tmp_path):
    _, server = tls_server(tmp_path, -1, 200)
    with server:
        r = check_tls(server.url)                  # the system CAs do not know the test CA
    assert r.status == FAIL
    assert "not verifiable" in r.summary and r.detail["issuer"] == "CN=test CA"


def test_tls_with_nothing_listening():
    r = check_tls(dead_url().replace("http:", "https:"))
    assert r.status == FAIL and "cannot reach" in r.summary


def test_the_tls_check_comes_only_with_an_https_back_office(tmp_path):
    names = [c.name for c in kiosk_checks(backoffice_url="https://bo.example.org", journal_path=tmp_path / "j",
                                          data_dir=tmp_path, jurisdiction="hubei")]
    assert names[:2] == ["backoffice", "backoffice_tls"]
    names = [c.name for c in kiosk_checks(backoffice_url="http://127.0.0.1:8080", journal_path=tmp_path / "j",
                                          data_dir=tmp_path, jurisdiction="hubei")]
    assert "backoffice_tls" not in names
    assert [c.name for c in kiosk_checks(backoffice_url=None, journal_path=tmp_path / "j",
                                         data_dir=tmp_path, jurisdiction="hubei")] == \
        ["disk", "journal", "version", "rule_pack", "speech"]


# --- disk ----------------------------------------------------------------------------------------

def test_disk_thresholds(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    r = check_disk(tmp_path, warn_free_bytes=1, fail_free_bytes=0)
    assert r.status == OK and r.detail["free_bytes"] > 0 and str(tmp_path) in r.summary
    r = check_disk(tmp_path, warn_free_bytes=free * 2, fail_free_bytes=0)
    assert r.status == WARNING and r.summary.startswith("disk space low")
    r = check_disk(tmp_path, warn_free_bytes=free * 4, fail_free_bytes=free * 2)
    assert r.status == FAIL and r.summary.startswith("disk almost full")


def test_disk_of_a_data_directory_not_created_yet(tmp_path):
    r = check_disk(tmp_path / "not" / "yet", warn_free_bytes=1, fail_free_bytes=0)
    assert r.status == OK and r.detail["exists"] is False
    assert r.detail["measured_path"] == str(tmp_path) and "not created yet" in r.summary
    assert not (tmp_path / "not").exists()


# --- the journal ---------------------------------------------------------------------------------

def test_missing_journal_is_a_warning_and_is_not_created(tmp_path):
    path = tmp_path / "journal.sqlite3"
    r = check_journal(path)
    assert r.status == WARNING and "no journal" in r.summary
    assert not path.exists()


def test_healthy_journal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        with journal.attempt("card_status") as a:
            a.step("read")
    r = check_journal(path)
    assert r.status == OK, r.summary
    assert r.detail["attempts"] == 1 and r.detail["outbox_backlog"] == 0
    assert r.summary == "1 attempts, outbox backlog 0, given up 0"


def _leave_pending(path, n: int) -> None:
    """``n`` loss reports stored in the outbox with the back office down: still to deliver."""
    with BackOfficeClient(dead_url(), DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, max_attempts=1) as client, \
            Outbox(path) as outbox:
        client.use_session(Session("s1", "t" * 32, None, None))
        for _ in range(n):
            with outbox.journal.attempt("temporary_loss") as a:
                outbox.submit(client, report_loss_call("temporary"), attempt=a)


def test_outbox_backlog_is_reported(tmp_path):
    path = tmp_path / "journal.sqlite3"
    _leave_pending(path, 2)
    r = check_journal(path)
    assert r.status == WARNING
    assert r.detail["outbox_backlog"] == 2 and r.detail["outbox_gave_up"] == 0
    assert "2 request(s) wait for the back office" in r.summary
    assert r.detail["oldest_pending_age_s"] >= 0


def test_given_up_requests_are_reported(tmp_path):
    path = tmp_path / "journal.sqlite3"
    _leave_pending(path, 1)
    with BackOfficeClient(dead_url(), DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, max_attempts=1) as client, \
            Outbox(path, max_age_s=0) as outbox:
        assert len(outbox.replay(client).gave_up) == 1
    r = check_journal(path)
    assert r.status == WARNING
    assert r.detail["outbox_gave_up"] == 1 and "given up" in r.summary


def _set_schema_rows(path, sql: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    conn.close()


def test_a_journal_of_an_older_schema_is_reported_not_migrated(tmp_path):
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    _set_schema_rows(path, f"DELETE FROM schema_version WHERE version = {SCHEMA_VERSION}")
    r = check_journal(path)
    assert r.status == WARNING and f"this software v{SCHEMA_VERSION}" in r.summary
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION - 1
    conn.close()


def test_a_journal_of_a_newer_schema_fails(tmp_path):
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    _set_schema_rows(path, "INSERT INTO schema_version (version, applied_at) VALUES (99, 'x')")
    r = check_journal(path)
    assert r.status == FAIL and "newer than this software" in r.summary


def test_a_file_that_is_not_a_journal_fails_as_damaged(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    [r] = run_check(Check("journal", lambda: check_journal(path)))
    assert r.status == FAIL and r.detail["damaged"] == "SQLITE_NOTADB"
    assert "moves it aside" in r.summary and "cannot be replayed" in r.summary
    assert path.read_bytes() == b"this is not SQLite" * 100     # diag only looks


# --- version, rule pack, speech -----------------------------------------------------------------

def test_version():
    r = check_version()
    assert r.status == OK and r.detail["version"] == __version__ and __version__ in r.summary


def test_rule_pack_in_force():
    r = check_rule_pack("hubei", today=dt.date(2025, 1, 1))
    assert r.status == OK
    assert r.detail["regulation"]["number"] == "鄂人社办发〔2022〕24号"
    assert r.detail["regulation"]["in_force_from"] == "2022-10-17" and r.detail["lapsed"] is False
    assert "in force since 2022-10-17" in r.summary


def test_lapsed_regulation_is_a_warning():
    # Hunan's regulation is in force until 2026-09-30 (its 第44条)
    assert check_rule_pack("hunan", today=dt.date(2026, 9, 30)).status == OK
    r = check_rule_pack("hunan", today=dt.date(2026, 10, 1))
    assert r.status == WARNING and r.detail["lapsed"] is True
    assert "lapsed on 2026-09-30" in r.summary


def test_regulation_not_yet_in_force_is_a_warning():
    r = check_rule_pack("sichuan", today=dt.date(2023, 1, 1))
    assert r.status == WARNING and "in force only from 2023-09-01" in r.summary


def test_unknown_jurisdiction_fails():
    [r] = run_check(Check("rule_pack", lambda: check_rule_pack("atlantis")))
    assert r.status == FAIL and "PolicyError" in r.summary and "atlantis" in r.summary


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_speech_synthesises_both_voices():
    r = check_speech()
    assert r.status == OK, r.summary
    assert set(r.detail["voices"]) == {"zh_CN", "en"}
    assert all(v["ok"] and v["seconds"] > 0.2 for v in r.detail["voices"].values())


def test_speech_without_espeak_is_a_warning():
    r = check_speech(executable="espeak-ng-not-installed")
    assert r.status == WARNING and "not installed" in r.summary


def test_speech_with_a_broken_espeak_fails(tmp_path):
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\necho 'voice not found' >&2\nexit 1\n")
    fake.chmod(0o755)
    r = check_speech(executable=str(fake))
    assert r.status == FAIL and "voice not found" in r.summary


def test_speech_check_uses_the_kiosks_voices():
    from kiosk import diagnostics
    from ui import speech

    assert diagnostics.SPEECH_VOICES == speech.VOICES
    assert diagnostics.SPEECH_SPEEDS == speech.SPEEDS
    assert diagnostics.ESPEAK == speech.ESPEAK


# --- the command ---------------------------------------------------------------------------------

def test_kiosk_diag_json_shape_and_exit_code(office, tmp_path, capsys):
    from kiosk.cli import main

    journal = tmp_path / "journal.sqlite3"
    Journal(journal).close()
    code = main(["diag", "--json", "--camera", "none", "--backoffice", office.url,
                 "--data-dir", str(tmp_path), "--journal", str(journal), "--jurisdiction", "hunan"])
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"ok", "status", "checks"}
    checks = {c["name"]: c for c in report["checks"]}
    assert "camera" not in checks                     # --camera none: a kiosk without one
    assert {"pcsc", "backoffice", "disk", "journal", "version", "rule_pack", "speech"} <= set(checks)
    assert all(set(c) == {"name", "status", "summary", "detail", "ms"} for c in report["checks"])
    # the back office runs hubei rules, this kiosk hunan's: a warning, as is Hunan's lapsed
    # regulation (in force until 2026-09-30) once that day has passed
    assert checks["backoffice"]["status"] == WARNING
    assert checks["rule_pack"]["status"] == (WARNING if dt.date.today() > dt.date(2026, 9, 30) else OK)
    # pcscd may or may not run on this machine: the exit code follows the checks either way
    failed = [c["name"] for c in report["checks"] if c["status"] == FAIL]
    assert code == (1 if failed else 0) and report["ok"] is (not failed)
