"""The back office on PostgreSQL: the key tests on both backends, and several server
processes sharing one PostgreSQL database.

The first part runs each test on SQLite and on a fresh database of the session's
private PostgreSQL (``tests/support/postgres.py``, fixture ``db_url``). The second
starts two real ``kiosk backoffice serve --db postgresql+psycopg://... --demo``
processes on ONE database and fires the same request, with the same
``Idempotency-Key``, at both at the same moment, many rounds: exactly one effect
and two identical answers. Then two different keys on one loss report: one is
reported, the other is ``CARD_ALREADY_LOST``. Every process started here is
stopped here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from backoffice.config import BackOfficeConfig
from backoffice.models import CardAuth, IdempotencyRecord
from backoffice.server import EmbeddedBackOffice
from backoffice.testing import Kiosk
from bo_support import KAT_CARD_ID, KAT_EXTERNAL, error_of, kat_body
from conftest_db import db_url, pg_url, postgres_server, postgres_url  # noqa: F401 (fixtures)
from tests.support import demo_citizen
from tests.support.pin_leaks import watch_file
from tests.support.postgres import free_port

REPO = Path(__file__).resolve().parents[2]
RACE_ROUNDS = int(os.environ.get("SSC_PG_RACE_ROUNDS", "25"))
CARD_LOSSES = "WHERE card_id = (SELECT id FROM cards WHERE card_no = :no)"


def count(database_or_state, model) -> int:
    st = getattr(database_or_state, "state", database_or_state)
    with st.database.session() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def server(db_url):  # noqa: F811
    """A test-mode back office on loopback, on each backend."""
    with EmbeddedBackOffice(BackOfficeConfig.for_tests(db_url=db_url)) as bo:
        yield bo


@pytest.fixture
def kiosk(server):
    raw = Kiosk(server.url)
    yield raw
    raw.close()


# --- the private server itself --------------------------------------------------------------

def test_private_postgres_starts_and_stops_cleanly(postgres_server):  # noqa: F811
    from tests.support.postgres import PrivatePostgres

    pg = PrivatePostgres().start()
    try:
        pid, directory = pg.pid, pg.dir
        assert pg.running and directory.is_dir()
        assert (directory / "socket").stat().st_mode & 0o077 == 0  # the socket dir is private
        url = pg.create_database("probe")
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SHOW listen_addresses")).scalar_one() == "127.0.0.1"
        finally:
            engine.dispose()
    finally:
        started = time.monotonic()
        pg.stop()
    assert time.monotonic() - started < 10
    assert not directory.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# --- the key tests on both backends --------------------------------------------------------

def test_health(server):
    r = requests.get(server.url + "/v1/health", timeout=5)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["policy"]) == {"jurisdiction", "version"}


def test_schema_is_migrated_to_the_newest_version(server):
    from backoffice.models import SCHEMA_VERSION

    assert server.state.database.schema_version() == SCHEMA_VERSION


def test_card_auth_known_answer_and_stored_times(server, kiosk):
    r = kiosk.send("POST", "/v1/card-auth", kat_body())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["external_auth_hex"] == KAT_EXTERNAL
    with server.state.database.session() as s:
        row = s.get(CardAuth, body["card_auth_id"])
        assert row.card_id_code == KAT_CARD_ID
        assert row.created_at.tzinfo is not None and row.expires_at.tzinfo is not None
        assert row.expires_at.utcoffset() == dt.timedelta(0)
        assert (row.expires_at - row.created_at).total_seconds() == 600


def test_wrong_internal_answer_has_no_effect(server, kiosk):
    r = kiosk.send("POST", "/v1/card-auth", kat_body(internal_response_hex="00" * 16))
    assert r.status_code == 403
    assert error_of(r)["code"] == "CARD_NOT_GENUINE"
    assert count(server, CardAuth) == 0


def test_idempotent_replay(server, kiosk):
    key = str(uuid.uuid4())
    first = kiosk.send("POST", "/v1/card-auth", kat_body(), key=key)
    second = kiosk.send("POST", "/v1/card-auth", kat_body(), key=key)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(server, CardAuth) == 1
    reused = kiosk.send("POST", "/v1/card-auth", kat_body(card_no="B12345678"), key=key)
    assert reused.status_code == 409
    assert error_of(reused)["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert count(server, CardAuth) == 1
    assert count(server, IdempotencyRecord) == 1


def test_error_answers_are_replayed(server, kiosk):
    key = str(uuid.uuid4())
    body = kat_body(internal_response_hex="00" * 16)
    first = kiosk.send("POST", "/v1/card-auth", body, key=key)
    second = kiosk.send("POST", "/v1/card-auth", body, key=key)
    assert first.status_code == second.status_code == 403
    assert first.content == second.content
    assert second.headers["Idempotent-Replayed"] == "true"


def test_racing_threads_have_one_effect(server):
    key = str(uuid.uuid4())
    n = 8
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def go(i):
        raw = Kiosk(server.url)
        try:
            barrier.wait(10)
            results[i] = raw.send("POST", "/v1/card-auth", kat_body(), key=key)
        finally:
            raw.close()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r.status_code for r in results] == [200] * n
    assert len({r.content for r in results}) == 1
    assert count(server, CardAuth) == 1


def test_citizen_session_and_card_status(server):
    """A demo citizen opens a card session and reads the card."""
    citizens = demo_citizen.DemoCitizens(server.url)
    try:
        citizen = citizens.find()
        token = citizen.token()
        r = citizens.kiosk.send("GET", "/v1/me/card", key=False,
                                extra_headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        assert r.json()["card_no"] == citizen.card_no
        end = citizens.kiosk.send("DELETE", "/v1/sessions/current",
                                  extra_headers={"Authorization": f"Bearer {token}"})
        assert end.status_code == 204, end.text
        again = citizens.kiosk.send("GET", "/v1/me/card", key=False,
                                    extra_headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 401
        assert error_of(again)["code"] == "SESSION_EXPIRED"
    finally:
        citizens.close()


# --- several server processes on one PostgreSQL database ----------------------------------

class ServerProcess:
    """``python -m kiosk_cli backoffice serve --db URL --port P --demo`` in a subprocess."""

    def __init__(self, db_url: str, log_dir: Path, name: str):
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> "ServerProcess":
        env = dict(os.environ)
        env["SSC_BACKOFFICE_STATE_DIR"] = str(self.log_path.parent / "state")
        env.pop("SSC_BACKOFFICE_DB", None)
        watch_file(self.log_path)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk_cli", "backoffice", "serve", "--db", self.db_url,
                 "--port", str(self.port), "--demo"],
                cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}): {self.log_tail()}")
            try:
                if requests.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer in {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture
def two_servers(pg_url, tmp_path):  # noqa: F811
    """Two server processes on one PostgreSQL database (started one after the other:
    the second finds the schema migrated; both answer before the test starts)."""
    a = ServerProcess(pg_url, tmp_path, "server-a")
    b = ServerProcess(pg_url, tmp_path, "server-b")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_two_processes_starting_together_migrate_once(pg_url, tmp_path):  # noqa: F811
    servers = [ServerProcess(pg_url, tmp_path, f"server-{i}") for i in range(3)]
    errors: list = []

    def start(server):
        try:
            server.start()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        engine = create_engine(pg_url)
        try:
            with engine.connect() as conn:
                versions = conn.execute(text("SELECT version FROM schema_version "
                                             "ORDER BY version")).scalars().all()
        finally:
            engine.dispose()
        assert versions == sorted(set(versions)) and versions[0] == 1
    finally:
        for s in servers:
            s.stop()


def _race(urls: list[str], method: str, path: str, bodies: list, keys: list[str],
          headers: dict | None = None) -> list[requests.Response]:
    """Send one request per URL at the same moment (one thread each); their answers."""
    n = len(urls)
    barrier = threading.Barrier(n)
    results: list = [None] * n
    kiosks = [Kiosk(u) for u in urls]

    def go(i):
        try:
            barrier.wait(10)
            results[i] = kiosks[i].send(method, path, bodies[i], key=keys[i],
                                        extra_headers=headers)
        except Exception as exc:  # noqa: BLE001
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for k in kiosks:
        k.close()
    for r in results:
        if not isinstance(r, requests.Response):
            raise AssertionError(f"a racing request failed: {r!r}")
    return results


def _count_rows(url: str, table: str, where: str = "", params: dict | None = None) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table} {where}"),
                                params or {}).scalar_one()
    finally:
        engine.dispose()


def test_same_key_at_two_processes_has_one_effect(two_servers, pg_url):  # noqa: F811
    a, b = two_servers
    before = _count_rows(pg_url, "card_auths")
    for _ in range(RACE_ROUNDS):
        key = str(uuid.uuid4())
        ra, rb = _race([a.url, b.url], "POST", "/v1/card-auth", [kat_body(), kat_body()],
                       [key, key])
        assert (ra.status_code, rb.status_code) == (200, 200), (ra.text, rb.text)
        assert ra.content == rb.content
        # exactly one of the two ran; the other got its stored answer
        replayed = [r.headers.get("Idempotent-Replayed") for r in (ra, rb)]
        assert sorted(str(x) for x in replayed) == ["None", "true"], replayed
    assert _count_rows(pg_url, "card_auths") - before == RACE_ROUNDS
    assert _count_rows(pg_url, "idempotency_keys") == RACE_ROUNDS


def test_same_key_loss_report_at_two_processes_has_one_effect(two_servers, pg_url):  # noqa: F811
    a, b = two_servers
    citizens = demo_citizen.DemoCitizens(a.url)
    try:
        citizen = citizens.find(service="temporary_loss")
        auth = {"Authorization": f"Bearer {citizen.token()}"}
        losses_before = _count_rows(pg_url, "losses", CARD_LOSSES, {"no": citizen.card_no})
        rounds = max(5, RACE_ROUNDS // 2)
        for _ in range(rounds):
            key = str(uuid.uuid4())
            body = {"kind": "temporary", "duration": citizen.loss_duration}
            ra, rb = _race([a.url, b.url], "POST", "/v1/me/card/loss", [body, body], [key, key],
                           auth)
            assert (ra.status_code, rb.status_code) == (200, 200), (ra.text, rb.text)
            assert ra.content == rb.content
            assert ra.json()["status"] == "temp_lost"
            lift = citizens.kiosk.send("DELETE", "/v1/me/card/loss", extra_headers=auth)
            assert lift.status_code == 200, lift.text
        assert _count_rows(pg_url, "losses", CARD_LOSSES, {"no": citizen.card_no}) \
            - losses_before == rounds
    finally:
        citizens.close()


def test_two_keys_on_one_loss_report_one_wins(two_servers, pg_url):  # noqa: F811
    a, b = two_servers
    citizens = demo_citizen.DemoCitizens(a.url)
    try:
        citizen = citizens.find(service="temporary_loss")
        auth = {"Authorization": f"Bearer {citizen.token()}"}
        losses_before = _count_rows(pg_url, "losses", CARD_LOSSES, {"no": citizen.card_no})
        rounds = max(5, RACE_ROUNDS // 2)
        for _ in range(rounds):
            body = {"kind": "temporary", "duration": citizen.loss_duration}
            ra, rb = _race([a.url, b.url], "POST", "/v1/me/card/loss", [body, body],
                           [str(uuid.uuid4()), str(uuid.uuid4())], auth)
            statuses = sorted([ra.status_code, rb.status_code])
            assert statuses == [200, 409], (ra.text, rb.text)
            loser = ra if ra.status_code == 409 else rb
            assert error_of(loser)["code"] == "CARD_ALREADY_LOST"
            open_losses = _count_rows(pg_url, "losses", "WHERE lifted_at IS NULL AND card_id = "
                                      "(SELECT id FROM cards WHERE card_no = :no)",
                                      {"no": citizen.card_no})
            assert open_losses == 1
            lift = citizens.kiosk.send("DELETE", "/v1/me/card/loss", extra_headers=auth)
            assert lift.status_code == 200, lift.text
        assert _count_rows(pg_url, "losses", CARD_LOSSES, {"no": citizen.card_no}) \
            - losses_before == rounds
    finally:
        citizens.close()


def test_wrong_sms_codes_racing_at_two_processes_are_all_counted(two_servers):
    """Ten wrong codes at once, spread over two processes: the challenge allows
    five wrong codes in all, whatever the interleaving (no lost update of the
    attempt counter), so at most four answers are CHALLENGE_FAILED, each with its
    own attempts_left, and the rest TOO_MANY_ATTEMPTS."""
    from backoffice.demo_data import PEOPLE

    a, b = two_servers
    person = next(p for p in PEOPLE.values() if p.phone and any(
        c.card_no == "A10000001" for c in p.cards))
    kiosk = Kiosk(a.url)
    try:
        r = kiosk.send("POST", "/v1/sessions", {"method": "sms", "ssn": person.ssn,
                                                "name": person.name})
        assert r.status_code == 200, r.text
        session_id = r.json()["session_id"]
    finally:
        kiosk.close()
    n = 10
    answers = _race([a.url, b.url] * (n // 2), "POST", f"/v1/sessions/{session_id}/verify",
                    [{"code": "000001"}] * n, [str(uuid.uuid4()) for _ in range(n)])
    codes = [error_of(r)["code"] for r in answers]
    failed = [r for r in answers if error_of(r)["code"] == "CHALLENGE_FAILED"]
    assert set(codes) <= {"CHALLENGE_FAILED", "TOO_MANY_ATTEMPTS"}, codes
    left = [error_of(r)["details"]["attempts_left"] for r in failed]
    assert len(failed) <= 4 and len(set(left)) == len(left), codes + left
