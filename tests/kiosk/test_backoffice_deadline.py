"""Every back-office call ends by its deadline, whatever the peer does (issue 10, item 3),
and an answer that is not declared JSON is malformed (item 8).

The peers are real sockets on 127.0.0.1: :class:`tests.support.trickle.TrickleServer`
sends the status line and the headers and then one byte every ``interval_s``, so that
no single read ever waits long enough for the per-read timeout.
"""

from __future__ import annotations

import json
import logging
import time

import pytest

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from kiosk.backoffice_answers import MALFORMED_RESPONSE
from kiosk.backoffice_client import BackOfficeClient
from kiosk.errors import BackOfficeError, BackOfficeTimeout, BackOfficeUnavailable, OutcomeUnknown
from tests.support.trickle import TrickleServer

from .test_backoffice_client import ScriptedServer

DEADLINE_S = 1.0
MARGIN_S = 1.0             # scheduling on a loaded machine; without the deadline: 18 s


def _client(url: str, **kw) -> BackOfficeClient:
    # the per-read timeout is far longer than the deadline: only the deadline can end the call
    return BackOfficeClient(url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, connect_timeout=2,
                            read_timeout=5, deadline_s=DEADLINE_S, **kw)


def _timed(fn):
    started = time.monotonic()
    try:
        fn()
    except BackOfficeError as exc:
        return exc, time.monotonic() - started
    raise AssertionError("the call returned although its answer never came whole")


def test_a_trickled_read_ends_at_its_deadline_as_a_timeout(caplog):
    caplog.set_level(logging.INFO, logger="kiosk.backoffice")
    with TrickleServer(interval_s=0.3) as srv, _client(srv.url) as c:
        err, elapsed = _timed(lambda: c.request("GET", "/v1/me/card", bearer="t"))
        assert srv.trickled == ["GET /v1/me/card"]       # one attempt: not retried
    assert elapsed < DEADLINE_S + MARGIN_S
    assert type(err) is BackOfficeTimeout and err.code == "BACKOFFICE_TIMEOUT"
    assert err.details["reason"] == "deadline"
    assert "GET /v1/me/card: deadline after" in caplog.text


def test_a_trickled_write_ends_at_its_deadline_with_its_outcome_unknown():
    with TrickleServer(interval_s=0.3) as srv, _client(srv.url, max_attempts=3) as c:
        err, elapsed = _timed(lambda: c.request("POST", "/v1/me/card/loss",
                                                json_body={"kind": "temporary"}, bearer="t"))
        assert len(srv.trickled) == 1                     # a write that may run is not resent
    assert elapsed < DEADLINE_S + MARGIN_S
    assert isinstance(err, OutcomeUnknown) and err.details["reason"] == "deadline"


def test_trickled_headers_are_bounded_too():
    with TrickleServer(interval_s=0.2, headers_too=True) as srv, _client(srv.url) as c:
        err, elapsed = _timed(lambda: c.request("GET", "/v1/health", signed=False))
    assert elapsed < DEADLINE_S + MARGIN_S
    assert isinstance(err, BackOfficeTimeout)


def test_a_slow_answer_inside_the_deadline_is_read_whole():
    # 60-odd bytes at 5 ms each: far more reads than one, all inside the deadline
    with TrickleServer(interval_s=0.005) as srv, _client(srv.url) as c:
        answer = c.request("GET", "/v1/me/card", bearer="t")
    assert answer["status"] == "active"


def test_the_deadline_spans_the_retries():
    # 503 answers are retried; the pauses between attempts count against the deadline
    answer = (503, b'{"error":{"code":"INTERNAL","message":"busy"}}',
              {"Content-Type": "application/json", "Retry-After": "5"})
    with ScriptedServer([answer]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, deadline_s=DEADLINE_S,
                             max_attempts=10, backoff_s=0.4, backoff_max_s=0.4) as c:
        err, elapsed = _timed(lambda: c.request("GET", "/v1/me/card", bearer="t"))
    assert elapsed < DEADLINE_S + MARGIN_S
    assert type(err) is BackOfficeUnavailable and err.http_status == 503
    assert 1 <= len(srv.received) < 10


def test_a_view_for_a_citizen_has_its_own_token_and_count():
    with TrickleServer(interval_s=0.005) as srv, _client(srv.url) as c:
        view = c.for_citizen()
        view.request("GET", "/v1/me/card", bearer="t")
        assert view.session_token is None and c.requests_in_flight == 0
        view.close()                                   # a view leaves the shared pool open
        assert c.request("GET", "/v1/me/card", bearer="t")["status"] == "active"
        c.base_url = "http://127.0.0.1:9"              # the back office moved: views follow
        assert view.base_url == "http://127.0.0.1:9"


# --- item 8: the Content-Type --------------------------------------------------------------

REAL_JSON = json.dumps({"status": "ok"}).encode()


@pytest.mark.parametrize("content_type", ["text/html", "text/plain; charset=utf-8", None])
def test_json_not_declared_as_json_is_malformed(content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    with ScriptedServer([(200, REAL_JSON, headers)]) as srv, _client(srv.url) as c:
        with pytest.raises(BackOfficeError) as info:
            c.request("GET", "/v1/health", signed=False)
    assert info.value.code == MALFORMED_RESPONSE
    assert not isinstance(info.value, BackOfficeUnavailable)


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "application/problem+json"])
def test_json_declared_as_json_is_read(content_type):
    with ScriptedServer([(200, REAL_JSON, {"Content-Type": content_type})]) as srv, \
            _client(srv.url) as c:
        assert c.request("GET", "/v1/health", signed=False) == {"status": "ok"}


def test_an_error_body_not_declared_as_json_is_malformed():
    body = json.dumps({"error": {"code": "CARD_NOT_FOUND", "message": "x"}}).encode()
    with ScriptedServer([(404, body, {"Content-Type": "text/html"})]) as srv, \
            _client(srv.url) as c:
        with pytest.raises(BackOfficeError) as info:
            c.request("GET", "/v1/me/card", bearer="t")
    assert info.value.code == MALFORMED_RESPONSE


def test_kiosk_diag_names_a_trickling_back_office(monkeypatch):
    from kiosk.checks import backoffice

    monkeypatch.setattr(backoffice, "BACKOFFICE_READ_TIMEOUT_S", DEADLINE_S)
    with TrickleServer(interval_s=0.3) as srv:
        started = time.monotonic()
        result = backoffice.check_backoffice(srv.url)
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE_S + MARGIN_S
    assert result.status == "fail"
    assert result.detail["reason"] == "deadline" and "too slow" in result.summary
