"""The kiosk's back-office client against a real back office and against misbehaving peers."""

from __future__ import annotations

import http.server
import json
import logging
import socket
import ssl
import threading
import time
import uuid

import pytest

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig
from backoffice.server import EmbeddedBackOffice
from kiosk import signing
from kiosk.backoffice_answers import ERROR_CLASSES, MALFORMED_RESPONSE
from kiosk.backoffice_client import BackOfficeClient, hsm_step
from kiosk.card import CardAuthAnswer, CardAuthRequest
from kiosk.errors import (BackOfficeError, BackOfficeUnavailable, BadSignature, CardNotGenuine,
                          OutcomeUnknown)
from tests.support.certs import make_certs

CARD_ID = bytes.fromhex("420100D156000005A1B2C3D4E5F60718")
R1 = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
RESPONSE = bytes.fromhex("F3E8555F4C478312969FD9785699C477")
R2 = bytes.fromhex("0F0E0D0C0B0A09080706050403020100")
EXTERNAL = bytes.fromhex("A24860DBE49DC1D87156050DE289DC48")

KAT = CardAuthRequest(card_no="A12345678", card_id_code=CARD_ID, internal_random=R1,
                      internal_response=RESPONSE, external_challenge=R2)


# --- peers -------------------------------------------------------------------------------

@pytest.fixture
def backoffice(tmp_path):
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with EmbeddedBackOffice(config) as bo:
        yield bo


@pytest.fixture
def client(backoffice):
    c = BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
    yield c
    c.close()


class ScriptedServer:
    """A tiny HTTP server answering from a script: [(status, body, headers), ...].

    The last entry repeats. Records what it received.
    """

    def __init__(self, script, *, tls_context: ssl.SSLContext | None = None):
        self.script = list(script)
        self.received: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.received.append({"method": self.command, "path": self.path,
                                       "headers": dict(self.headers), "body": body})
                status, payload, headers = (outer.script.pop(0) if len(outer.script) > 1
                                            else outer.script[0])
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(2)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


def json_answer(status, obj, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    return (status, json.dumps(obj).encode(), h)


# --- against the real back office ----------------------------------------------------------

def test_health(client):
    h = client.health()
    assert h["status"] == "ok"
    assert h["policy"]["jurisdiction"] == "default"


def test_card_auth_known_answer(client):
    answer = client.card_auth(KAT)
    assert isinstance(answer, CardAuthAnswer)
    assert answer.external_auth == EXTERNAL
    uuid.UUID(answer.card_auth_id)


def test_hsm_step_is_the_card_layers_callable(client):
    step = hsm_step(client)
    assert step(KAT).external_auth == EXTERNAL


def test_wrong_internal_answer_raises_card_not_genuine(client):
    bad = CardAuthRequest("A12345678", CARD_ID, R1, bytes(16), R2)
    with pytest.raises(CardNotGenuine) as info:
        client.card_auth(bad)
    assert info.value.code == "CARD_NOT_GENUINE"
    assert info.value.http_status == 403
    assert ERROR_CLASSES["CARD_NOT_GENUINE"] is CardNotGenuine


def test_wrong_secret_is_bad_signature(backoffice):
    with BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, "wrong") as c:
        with pytest.raises(BackOfficeError) as info:
            c.card_auth(KAT)
    assert type(info.value) is BadSignature
    assert info.value.code == "BAD_SIGNATURE" and info.value.http_status == 401
    assert str(info.value) == "the back office refused this kiosk's signature"


def test_stale_clock_is_clock_skew(backoffice):
    with BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                          clock=lambda: time.time() - 3600) as c:
        with pytest.raises(BackOfficeError) as info:
            c.card_auth(KAT)
    assert info.value.code == "CLOCK_SKEW"
    assert "server_time" in info.value.details


def test_idempotent_replay_with_a_caller_key(client, backoffice):
    from sqlalchemy import func, select

    from backoffice.models import CardAuth

    key = str(uuid.uuid4())
    first = client.card_auth(KAT, idempotency_key=key)
    second = client.card_auth(KAT, idempotency_key=key)
    assert first == second
    with backoffice.state.database.session() as s:
        assert s.scalar(select(func.count()).select_from(CardAuth)) == 1
    other = CardAuthRequest("B12345678", CARD_ID, R1, RESPONSE, R2)
    with pytest.raises(BackOfficeError) as info:
        client.card_auth(other, idempotency_key=key)
    assert info.value.code == "IDEMPOTENCY_KEY_REUSED" and info.value.http_status == 409


def test_each_write_gets_a_fresh_key(client):
    assert client.card_auth(KAT).card_auth_id != client.card_auth(KAT).card_auth_id


def test_demo_pair_refused_by_a_non_demo_server(tmp_path):
    config = BackOfficeConfig(test_mode=True, db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                              kiosks={DEMO_KIOSK_ID: DEMO_KIOSK_SECRET,
                                      "kiosk-7": "kiosk-7-secret-0123456789"})
    with EmbeddedBackOffice(config) as bo:
        with BackOfficeClient(bo.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
            with pytest.raises(BackOfficeError) as info:
                c.card_auth(KAT)
            assert info.value.code == "BAD_SIGNATURE"
        with BackOfficeClient(bo.url, "kiosk-7", "kiosk-7-secret-0123456789") as c:
            assert c.card_auth(KAT).external_auth == EXTERNAL


def test_bodies_are_never_logged(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.card_auth(KAT)
        with pytest.raises(CardNotGenuine):
            client.card_auth(CardAuthRequest("A12345678", CARD_ID, R1, bytes(16), R2))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /v1/card-auth -> 200" in text
    for value in (CARD_ID.hex(), CARD_ID.hex().upper(), EXTERNAL.hex().upper(), "A12345678",
                  RESPONSE.hex().upper(), DEMO_KIOSK_SECRET):
        assert value not in text


# --- transport failures ------------------------------------------------------------------

def test_server_down_is_unavailable_quickly():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with BackOfficeClient(f"http://127.0.0.1:{port}", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        started = time.monotonic()
        with pytest.raises(BackOfficeUnavailable) as info:
            c.card_auth(KAT)
        assert time.monotonic() - started < 2.5
        assert not isinstance(info.value, OutcomeUnknown)
        with pytest.raises(BackOfficeUnavailable):
            c.health()


def test_silent_server_is_outcome_unknown_within_the_read_timeout():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # the kernel accepts; nobody ever answers
    port = listener.getsockname()[1]
    try:
        with BackOfficeClient(f"http://127.0.0.1:{port}", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                              read_timeout=0.5) as c:
            started = time.monotonic()
            with pytest.raises(OutcomeUnknown) as info:
                c.card_auth(KAT)
            elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert 0.4 <= elapsed < 1.5  # one attempt: a read timeout is not retried
    assert isinstance(info.value, BackOfficeUnavailable)


@pytest.mark.parametrize("answer", [
    (200, b"<html>hello</html>", {"Content-Type": "text/html"}),
    (200, b"{not json", {"Content-Type": "application/json"}),
    json_answer(200, {"card_auth_id": "x"}),
    json_answer(200, {"card_auth_id": "x", "external_auth_hex": "00", "expires_at": "t"}),
    json_answer(200, [1, 2, 3]),
    (200, b"", {}),
    json_answer(400, {"oops": True}),
    json_answer(418, {"error": {"message": "no code"}}),
    (500, b"Internal Server Error", {"Content-Type": "text/plain"}),
])
def test_malformed_answers_are_typed(answer):
    with ScriptedServer([answer]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        with pytest.raises(BackOfficeError) as info:
            c.card_auth(KAT)
    assert info.value.code == MALFORMED_RESPONSE
    assert not isinstance(info.value, BackOfficeUnavailable)
    assert len(srv.received) == 1  # not retried


def test_unknown_contract_codes_keep_their_code():
    err = {"error": {"code": "RATE_LIMITED", "message": "slow down", "details": {"n": 1}}}
    with ScriptedServer([json_answer(429, err)]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        with pytest.raises(BackOfficeError) as info:
            c.card_auth(KAT)
    assert info.value.code == "RATE_LIMITED"
    assert info.value.details == {"n": 1} and info.value.http_status == 429


def test_retries_on_503_with_the_same_key_then_succeeds():
    ok = {"card_auth_id": "abc", "external_auth_hex": EXTERNAL.hex(), "expires_at": "t"}
    script = [(503, b"busy", {"Retry-After": "0"}), (502, b"", {}), json_answer(200, ok)]
    with ScriptedServer(script) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, backoff_s=0.01) as c:
        answer = c.card_auth(KAT)
    assert answer == CardAuthAnswer("abc", EXTERNAL)
    assert len(srv.received) == 3
    keys = {r["headers"]["Idempotency-Key"] for r in srv.received}
    assert len(keys) == 1
    uuid.UUID(keys.pop())
    for r in srv.received:  # every attempt is signed over its exact bytes
        h = r["headers"]
        assert signing.verify(DEMO_KIOSK_SECRET, "POST", r["path"], h["X-Timestamp"], r["body"],
                              h["X-Signature"])
        assert h["X-Kiosk-Id"] == DEMO_KIOSK_ID


def test_retries_are_bounded_and_end_unavailable():
    with ScriptedServer([(504, b"<html>gateway</html>", {})]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, backoff_s=0.01,
                             max_attempts=3) as c:
        with pytest.raises(BackOfficeUnavailable) as info:
            c.health()
    assert len(srv.received) == 3
    assert info.value.http_status == 504


def test_health_is_sent_unsigned_and_get_has_no_key():
    health = {"status": "ok", "time": "2025-01-01T00:00:00Z",
              "policy": {"jurisdiction": "hubei", "version": "1"}}
    with ScriptedServer([json_answer(200, health)]) as srv, \
            BackOfficeClient(srv.url + "/", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        assert c.health() == health
    h = srv.received[0]["headers"]
    assert srv.received[0]["path"] == "/v1/health"
    assert "X-Signature" not in h and "Idempotency-Key" not in h


def test_signed_path_includes_a_base_prefix_and_query():
    with ScriptedServer([json_answer(200, {"x": 1})]) as srv, \
            BackOfficeClient(srv.url + "/api", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        assert c.request("GET", "/v1/something?a=1&b=%C3%A9") == {"x": 1}
    r = srv.received[0]
    assert r["path"] == "/api/v1/something?a=1&b=%C3%A9"
    assert signing.verify(DEMO_KIOSK_SECRET, "GET", r["path"], r["headers"]["X-Timestamp"], b"",
                          r["headers"]["X-Signature"])


def test_204_is_none_and_delete_carries_a_key():
    with ScriptedServer([(204, b"", {})]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        assert c.request("DELETE", "/v1/sessions/current", bearer="tok") is None
    h = srv.received[0]["headers"]
    assert h["Authorization"] == "Bearer tok"
    uuid.UUID(h["Idempotency-Key"])


# --- TLS and URLs ----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://example.org", "http://10.0.0.5:8080",
                                 "ftp://127.0.0.1", "http://127.0.0.1/?a=1"])
def test_plain_http_only_on_loopback(url):
    with pytest.raises(ValueError):
        BackOfficeClient(url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9",
                                 "https://backoffice.example.org"])
def test_allowed_urls(url):
    BackOfficeClient(url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET).close()


def test_tls_is_verified_against_the_ca_bundle(tmp_path):
    ca_file, cert_file, key_file = make_certs(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_file, key_file)
    health = {"status": "ok", "time": "t", "policy": {"jurisdiction": "default", "version": "1"}}
    with ScriptedServer([json_answer(200, health)], tls_context=ctx) as srv:
        url = f"https://127.0.0.1:{srv.port}"
        with BackOfficeClient(url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                              ca_bundle=str(ca_file)) as c:
            assert c.health() == health
        with BackOfficeClient(url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:  # system CAs only
            with pytest.raises(BackOfficeUnavailable) as info:
                c.health()
            assert info.value.details == {"reason": "tls"}
