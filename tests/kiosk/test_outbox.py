"""The outbox: write before send, pending outcomes, replay with the same key, kills and restarts.

The peers are the real reference back office and two tiny socket servers: a
silent one (accepts the request, never answers) and a proxy in front of the
real back office that forwards, swallows (never forwards, never answers) or
holds (forwards, lets the back office act, then never answers).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kiosk.backoffice_calls import lift_loss_call, report_loss_call, update_profile_call
from kiosk.backoffice_client import BackOfficeClient
from kiosk.errors import CardAlreadyLost, JournalUnavailable, NoSession
from kiosk.journal import Journal, Outbox, PendingOutcome, Replayer, reference_for

from .test_backoffice_client_api import card_auth, start_server
from tests.support.journal_trouble import fill, small_filesystem
from tests.support.network import dead_url

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET  # noqa: E402
from backoffice.demo_data import PEOPLE  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.timezone.utc


# --- peers -------------------------------------------------------------------------------

def _read_request(f):
    line = f.readline()
    if not line or not line.strip():
        return None
    method, path, _ = line.decode("latin-1").split(" ", 2)
    headers = []
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        k, v = h.decode("latin-1").split(":", 1)
        headers.append((k.strip(), v.strip()))
    length = int({k.lower(): v for k, v in headers}.get("content-length", "0"))
    body = f.read(length) if length else b""
    return method, path, headers, body


class Proxy:
    """Kiosk -> Proxy -> back office. ``mode``: forward | swallow | hold (see the module doc)."""

    def __init__(self, upstream_port: int | None, mode: str = "forward"):
        self.upstream_port = upstream_port
        self.mode = mode
        self.received: list[dict] = []
        self.arrived = threading.Event()
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # accept() polls, so __exit__ is quick
        self.port = self._listener.getsockname()[1]
        self._threads = [threading.Thread(target=self._accept, daemon=True)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Proxy":
        self._threads[0].start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._listener.close()
        for c in list(self._conns):
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        for t in self._threads:
            t.join(2)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self._conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        f = conn.makefile("rb")
        try:
            while not self._stop.is_set():
                request = _read_request(f)
                if request is None:
                    return
                method, path, headers, body = request
                self.received.append({"method": method, "path": path, "headers": dict(headers),
                                      "body": body, "mode": self.mode})
                mode = self.mode
                answer = None
                if mode in ("forward", "hold"):
                    answer = self._upstream(method, path, headers, body)
                self.arrived.set()
                if mode == "forward":
                    conn.sendall(answer)
                    continue
                self._stop.wait()  # never answer
                return
        except OSError:
            return
        finally:
            f.close()

    def _upstream(self, method, path, headers, body) -> bytes:
        up = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=10)
        try:
            up.request(method, path, body=body or None, headers=dict(headers))
            r = up.getresponse()
            data = r.read()
            lines = [f"HTTP/1.1 {r.status} {r.reason}"]
            for k, v in r.getheaders():
                if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                    lines.append(f"{k}: {v}")
            lines.append(f"Content-Length: {len(data)}")
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data
        finally:
            up.close()


def silent_server() -> Proxy:
    """Accepts a request and never answers (a Proxy with nothing behind it)."""
    return Proxy(None, mode="swallow")


@pytest.fixture
def backoffice(tmp_path):
    bo = start_server(tmp_path)
    yield bo
    bo.__exit__(None, None, None)


@pytest.fixture
def direct(backoffice):
    """A client straight to the back office (the replays' client: no session of its own)."""
    c = BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
    yield c
    c.close()


def wait_briefly_for_answers(client, read_timeout_s: float = 0.25) -> None:
    """A short read timeout from now on: the session was opened with the normal one, so a slow
    machine's card authentication does not end in OutcomeUnknown before the test begins."""
    client.timeout = (client.timeout[0], read_timeout_s)


def open_card_session(client, key="card_ordinary"):
    person = PEOPLE[key]
    return client.open_session_card(card_auth(client, person.card).card_auth_id)


def losses_of(backoffice, card_no: str) -> int:
    from sqlalchemy import func, select

    from backoffice.models import Card, Loss
    with backoffice.state.database.session() as s:
        card_id = s.scalar(select(Card.id).where(Card.card_no == card_no))
        return s.scalar(select(func.count()).select_from(Loss).where(Loss.card_id == card_id))


def outbox_rows(path) -> list[dict]:
    """The outbox table read with plain sqlite3 (another connection, as another process would)."""
    with sqlite3.connect(path) as c:
        c.row_factory = sqlite3.Row
        return [dict(r) for r in c.execute("SELECT * FROM outbox ORDER BY id")]


def attempt_row(path, attempt_id) -> dict:
    with sqlite3.connect(path) as c:
        c.row_factory = sqlite3.Row
        return dict(c.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone())


# --- the flows -------------------------------------------------------------------------------

def test_silent_server_then_restart_and_replay_against_the_real_server(tmp_path, backoffice,
                                                                       direct):
    path = tmp_path / "journal.sqlite3"
    with Proxy(backoffice.port) as proxy, \
            BackOfficeClient(proxy.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client:
        open_card_session(client)                 # through the proxy, forwarded
        proxy.mode = "swallow"                    # now: accepted, never answered
        wait_briefly_for_answers(client)
        journal = Journal(path, kiosk_id=DEMO_KIOSK_ID)
        outbox = Outbox(journal)
        started = time.monotonic()
        with journal.attempt("temporary_loss", card_no="A10000001") as a:
            result = outbox.submit(client, report_loss_call("temporary"), attempt=a)
        assert time.monotonic() - started < 3
        assert isinstance(result, PendingOutcome) and result.pending
        assert result.reason == "OUTCOME_UNKNOWN" and result.operation == "report_loss"
        assert result.attempt_id == a.id and result.how_to_check
        sent_key = proxy.received[-1]["headers"]["Idempotency-Key"]
        assert result.reference == reference_for(sent_key)
        record = journal.get(a.id)
        assert record.outcome == "pending" and record.error_code == "OUTCOME_UNKNOWN"
        assert record.reference == result.reference
        assert outbox.backlog() == 1
        journal.close()                            # the kiosk restarts

    assert losses_of(backoffice, "A10000001") == 0  # it never reached the back office
    outbox = Outbox(path, kiosk_id=DEMO_KIOSK_ID)
    try:
        assert outbox.backlog() == 1
        report = outbox.replay(direct)
        assert report.delivered == [result.reference] and not report.stopped_early
        assert losses_of(backoffice, "A10000001") == 1
        record = outbox.journal.get(result.attempt_id)
        assert record.outcome == "ok" and record.error_code is None
        assert record.steps[-1]["step"] == "outbox_replayed"
        assert record.steps[-1]["stored_answer"] is False
        assert outbox.backlog() == 0
        assert outbox.replay(direct).settled == 0   # nothing left: no second effect
        [row] = outbox_rows(path)
        assert row["state"] == "done" and row["outcome"] == "ok"
        assert row["idempotency_key"] == sent_key
        assert row["body"] is None and row["bearer"] is None   # wiped once settled
        assert outbox.status(result.reference.lower().replace("-", "")).state == "done"
    finally:
        outbox.close()
    assert losses_of(backoffice, "A10000001") == 1


def test_answer_lost_after_the_effect_the_replay_gets_the_stored_answer(tmp_path, backoffice,
                                                                         direct):
    path = tmp_path / "journal.sqlite3"
    with Proxy(backoffice.port) as proxy, \
            BackOfficeClient(proxy.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client, Outbox(path) as outbox:
        open_card_session(client, "card_initial_pin")
        proxy.mode = "hold"                       # the back office acts; its answer is lost
        wait_briefly_for_answers(client)
        proxy.arrived.clear()
        with outbox.journal.attempt("temporary_loss") as a:
            pending = outbox.submit(client, report_loss_call("temporary"), attempt=a)
        assert proxy.arrived.wait(10)            # the back office has acted (slow machines)
        assert isinstance(pending, PendingOutcome)
        assert losses_of(backoffice, "A10000002") == 1
        assert outbox.replay(direct).settled == 0          # not due yet (backoff)
        report = outbox.replay(direct, due_only=False)     # e.g. the workflow's cleanup
        assert report.delivered == [pending.reference]
        assert losses_of(backoffice, "A10000002") == 1   # one effect
        step = outbox.journal.get(a.id).steps[-1]
        assert step["stored_answer"] is True and outbox.journal.get(a.id).outcome == "ok"


def test_an_answer_settles_at_once(tmp_path, backoffice):
    with BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client, \
            Outbox(tmp_path / "j.sqlite3") as outbox:
        open_card_session(client, "card_expiring_soon")
        with outbox.journal.attempt("temporary_loss") as a:
            status = outbox.submit(client, report_loss_call("temporary"), attempt=a)
            assert status.status == "temp_lost"
            assert outbox.journal.get(a.id).outcome is None   # running again, not pending
        assert outbox.journal.get(a.id).outcome == "ok"
        with pytest.raises(CardAlreadyLost):
            with outbox.journal.attempt("temporary_loss") as b:
                outbox.submit(client, report_loss_call("temporary"), attempt=b)
        assert outbox.journal.get(b.id).outcome == "refused"
        assert outbox.journal.get(b.id).error_code == "CARD_ALREADY_LOST"
        assert [(e.state, e.outcome) for e in outbox.entries()] == [("done", "ok"),
                                                                    ("done", "refused")]
        assert outbox.backlog() == 0
        status = outbox.submit(client, lift_loss_call())        # without a journal attempt
        assert status.status == "active"
        profile = outbox.submit(client, update_profile_call({"address": "湖北省武汉市示范路1号"}))
        assert profile.address == "湖北省武汉市示范路1号"


def test_no_session_stores_nothing(tmp_path):
    with BackOfficeClient("http://127.0.0.1:9", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client, \
            Outbox(tmp_path / "j.sqlite3") as outbox:
        with pytest.raises(NoSession):
            outbox.submit(client, report_loss_call("temporary"))
        assert outbox.entries() == []


def test_the_entry_is_committed_before_the_request_leaves(tmp_path):
    path = tmp_path / "j.sqlite3"
    seen = {}

    class Watching(Proxy):
        def _serve(self, conn):
            f = conn.makefile("rb")
            method, p, headers, body = _read_request(f)
            seen["rows"] = outbox_rows(path)       # read as the request arrives
            seen["key"] = dict(headers)["Idempotency-Key"]
            self.arrived.set()
            self._stop.wait()

    from kiosk.backoffice_types import Session
    with Watching(None) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                             read_timeout=0.3) as client, Outbox(path) as outbox:
        client.use_session(Session("s1", "t" * 32, None, None))
        pending = outbox.submit(client, report_loss_call("formal"))
    [row] = seen["rows"]
    assert row["state"] == "pending" and row["idempotency_key"] == seen["key"]
    assert json.loads(row["body"]) == {"kind": "formal", "duration": None}
    assert row["bearer"] == "t" * 32 and row["method"] == "POST"
    assert pending.reference == row["reference"]


def test_unreachable_backs_off_then_gives_up(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]        # nobody listens here
    now = [dt.datetime(2025, 3, 1, 10, 0, tzinfo=UTC)]
    from kiosk.backoffice_types import Session
    with BackOfficeClient(f"http://127.0.0.1:{port}", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                          max_attempts=1) as client, \
            Outbox(tmp_path / "j.sqlite3", max_tries=3, first_delay_s=10,
                   clock=lambda: now[0], rng=lambda: 1.0) as outbox:
        client.use_session(Session("s1", "t" * 32, None, None))
        with outbox.journal.attempt("temporary_loss") as a:
            pending = outbox.submit(client, report_loss_call("temporary"), attempt=a)
        assert pending.reason == "BACKOFFICE_UNAVAILABLE"
        [e] = outbox.entries()
        assert e.tries == 1 and e.next_try_at == now[0] + dt.timedelta(seconds=10)
        assert outbox.replay(client).still_pending == []       # not due yet
        now[0] += dt.timedelta(seconds=10)
        report = outbox.replay(client)
        assert report.still_pending == [pending.reference] and report.stopped_early
        [e] = outbox.entries()
        assert e.tries == 2 and e.next_try_at == now[0] + dt.timedelta(seconds=20)
        now[0] += dt.timedelta(seconds=20)
        report = outbox.replay(client)
        assert report.gave_up == [pending.reference]
        assert outbox.backlog() == 0 and outbox.gave_up_count() == 1
        record = outbox.journal.get(a.id)
        assert (record.outcome, record.error_code) == ("pending", "OUTBOX_GAVE_UP")
        assert outbox_rows(tmp_path / "j.sqlite3")[0]["body"] is None


def test_a_long_outage_is_asked_again_until_the_age_limit(tmp_path):
    """No limit by count: an outage of hours does not give up on a request the back office
    would still complete; 20 hours does."""
    now = [dt.datetime(2025, 3, 1, 10, 0, tzinfo=UTC)]
    from kiosk.backoffice_types import Session
    with BackOfficeClient(dead_url(), DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                          max_attempts=1) as client, \
            Outbox(tmp_path / "j.sqlite3", clock=lambda: now[0], rng=lambda: 1.0) as outbox:
        client.use_session(Session("s1", "t" * 32, None, None))
        pending = outbox.submit(client, report_loss_call("temporary"))
        for _ in range(30):                            # 5 hours at the 10-minute ceiling
            now[0] += dt.timedelta(minutes=10)
            assert outbox.replay(client).still_pending == [pending.reference]
        [e] = outbox.entries()
        assert e.state == "pending" and e.tries == 31
        now[0] += dt.timedelta(hours=15)
        assert outbox.replay(client).gave_up == [pending.reference]


@pytest.mark.parametrize("made", ["in_the_session", "after_it_expired"])
def test_a_request_that_never_arrived_is_replayed_after_the_session(tmp_path, backoffice, direct,
                                                                    made):
    """docs/outbox.md, "A replay after the session": a request made while the session lived
    runs when replayed after its end; one made after the session expired is refused."""
    in_session = made == "in_the_session"
    with Proxy(backoffice.port) as proxy, \
            BackOfficeClient(proxy.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client, Outbox(tmp_path / "j.sqlite3") as outbox:
        open_card_session(client, "card_long_name")
        if not in_session:
            direct.request("POST", "/v1/test/clock", json_body={"advance_s": 900})
        proxy.mode = "swallow"
        wait_briefly_for_answers(client)
        with outbox.journal.attempt("temporary_loss") as a:
            pending = outbox.submit(client, report_loss_call("temporary"), attempt=a)
        proxy.mode = "forward"
        client.timeout = (client.timeout[0], 10)
        client.end_session()                       # the citizen leaves; the token is dead
    assert losses_of(backoffice, "E65000006") == 0
    with Outbox(tmp_path / "j.sqlite3") as outbox:
        report = outbox.replay(direct)
        record = outbox.journal.get(a.id)
        if in_session:
            assert report.delivered == [pending.reference]
            assert (record.outcome, record.error_code) == ("ok", None)
            assert record.steps[-1]["stored_answer"] is False
        else:
            assert report.refused == [pending.reference]
            assert (record.outcome, record.error_code) == ("refused", "SESSION_EXPIRED")
    assert losses_of(backoffice, "E65000006") == (1 if in_session else 0)


def test_an_expired_token_after_the_effect_still_gets_the_stored_answer(tmp_path, backoffice,
                                                                         direct):
    """The replay-authorisation decision of docs/outbox.md: lookup before the token check."""
    with Proxy(backoffice.port) as proxy, \
            BackOfficeClient(proxy.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client, Outbox(tmp_path / "j.sqlite3") as outbox:
        open_card_session(client, "card_expired")
        proxy.mode = "hold"
        wait_briefly_for_answers(client)
        proxy.arrived.clear()
        with outbox.journal.attempt("temporary_loss") as a:
            pending = outbox.submit(client, report_loss_call("temporary"), attempt=a)
        assert proxy.arrived.wait(10)            # the back office has acted
        client.end_session()                       # the citizen leaves (answer lost too)
    assert losses_of(backoffice, "D51000005") == 1
    direct.request("POST", "/v1/test/clock", json_body={"advance_s": 601})
    with Outbox(tmp_path / "j.sqlite3") as outbox:
        report = outbox.replay(direct)
        record = outbox.journal.get(a.id)
        assert report.delivered == [pending.reference]
        assert record.outcome == "ok" and record.steps[-1]["stored_answer"] is True
    assert losses_of(backoffice, "D51000005") == 1


def test_replayer_thread(tmp_path, backoffice, direct):
    with Proxy(backoffice.port) as proxy, \
            BackOfficeClient(proxy.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client, \
            Outbox(tmp_path / "j.sqlite3", first_delay_s=0.05) as outbox:
        open_card_session(client, "card_ordinary")
        proxy.mode = "swallow"
        wait_briefly_for_answers(client)
        pending = outbox.submit(client, report_loss_call("temporary"))
        with Replayer(outbox, direct, interval_s=0.05) as replayer:
            deadline = time.monotonic() + 10
            while outbox.backlog() and time.monotonic() < deadline:
                time.sleep(0.02)
        assert not replayer._thread.is_alive()
        assert outbox.status(pending.reference).outcome == "ok"
    assert losses_of(backoffice, "A10000001") == 1


# --- a kill in the middle of a send ---------------------------------------------------------

CHILD = textwrap.dedent("""
    import datetime as dt, sys
    from kiosk.backoffice_calls import report_loss_call
    from kiosk.backoffice_client import BackOfficeClient
    from kiosk.backoffice_types import Session
    from kiosk.journal import Journal, Outbox
    path, url, kiosk_id, secret, token, expires = sys.argv[1:7]
    journal = Journal(path, kiosk_id=kiosk_id, strict=True)
    outbox = Outbox(journal)
    client = BackOfficeClient(url, kiosk_id, secret, read_timeout=60)
    client.use_session(Session("s", token, dt.datetime.fromisoformat(expires), None))
    with journal.attempt("temporary_loss", card_no="A10000001") as a:
        print(a.id, flush=True)
        outbox.submit(client, report_loss_call("temporary"), attempt=a)
    print("the answer came: impossible", flush=True)
""")


def test_a_kill_in_the_middle_of_a_send_loses_nothing(tmp_path, backoffice, direct):
    path = tmp_path / "journal.sqlite3"
    with BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as opener:
        session = open_card_session(opener)
    with silent_server() as silent:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), silent.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
             session.token, session.expires_at.isoformat()],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            attempt_id = int(child.stdout.readline())
            assert silent.arrived.wait(20), child.stderr.read()
            # the request is on the wire and the child waits for an answer: the entry is
            # already on disk, read here by another process
            [row] = outbox_rows(path)
            assert row["state"] == "pending" and row["attempt_id"] == attempt_id
            assert row["idempotency_key"] == silent.received[0]["headers"]["Idempotency-Key"]
            assert attempt_row(path, attempt_id)["outcome"] == "pending"
            assert child.poll() is None
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(10)
            child.stdout.close()
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL

    journal = Journal(path, kiosk_id=DEMO_KIOSK_ID)   # the kiosk starts again
    try:
        assert journal.close_interrupted() == 1
        record = journal.get(attempt_id)
        assert record.outcome == "pending" and record.error_code == "OUTCOME_UNKNOWN"
        assert record.ended_at >= record.started_at  # the time of its last step
        outbox = Outbox(journal)
        assert outbox.backlog() == 1
        assert outbox.replay(direct).delivered == [row["reference"]]
        assert journal.get(attempt_id).outcome == "ok"
        assert losses_of(backoffice, "A10000001") == 1
        assert outbox.replay(direct, due_only=False).settled == 0
    finally:
        journal.close()
    assert losses_of(backoffice, "A10000001") == 1


class DiskFillingClient(BackOfficeClient):
    """The real client; the disk under the journal fills up while the back office answers."""

    fill_into: Path | None = None

    def perform(self, call, **kw):
        try:
            return super().perform(call, **kw)
        finally:
            if self.fill_into is not None:
                fill(self.fill_into)


@pytest.mark.parametrize("expected", ["ok", "refused"])
def test_a_disk_that_fills_during_the_send_does_not_change_the_answer(tmp_path, backoffice,
                                                                      direct, expected):
    """The answer came back but the journal can no longer be written: the citizen is told the
    back office's answer (not a failure), the entry stays pending on disk, and once space
    returns the replay settles it from the stored answer, with one effect."""
    with small_filesystem(tmp_path / "small", 2 * 1024 * 1024) as fs:
        path = fs / "journal.sqlite3"
        with DiskFillingClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client, \
                Outbox(path) as outbox:
            person = PEOPLE["card_ordinary"]
            open_card_session(client, "card_ordinary")
            if expected == "refused":                       # reported once already
                outbox.submit(client, report_loss_call("temporary"))
            client.fill_into = fs
            attempt = outbox.journal.attempt("temporary_loss")
            a = attempt.__enter__()
            if expected == "ok":
                status = outbox.submit(client, report_loss_call("temporary"), attempt=a)
                assert status.status == "temp_lost"               # the citizen's answer
            else:
                with pytest.raises(CardAlreadyLost):              # the refusal, as it was
                    outbox.submit(client, report_loss_call("temporary"), attempt=a)
            with contextlib.suppress(JournalUnavailable):         # the attempt cannot end
                attempt.__exit__(None, None, None)
            assert outbox.entries()[-1].state == "pending"              # kept on disk
            (fs / "filler").unlink()                                    # space returns
            report = outbox.replay(direct, due_only=False)
            assert report.settled == 1
            entry = outbox.entries()[-1]
            assert (entry.state, entry.outcome) == ("done", expected)
            assert outbox.backlog() == 0
        assert losses_of(backoffice, person.card.card_no) == 1   # one effect
