"""Helpers of the back-office tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import json
import time
import uuid

import requests

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from kiosk import signing

KAT_CARD_ID = "420100D156000005A1B2C3D4E5F60718"
KAT_R1 = "000102030405060708090A0B0C0D0E0F"
KAT_RESPONSE = "F3E8555F4C478312969FD9785699C477"
KAT_R2 = "0F0E0D0C0B0A09080706050403020100"
KAT_EXTERNAL = "A24860DBE49DC1D87156050DE289DC48"

TEST_KIOSK_ID = "kiosk-test-001"
TEST_KIOSK_SECRET = "test-secret-0123456789abcdef"


def kat_body(**changes) -> dict:
    body = {
        "card_no": "A12345678",
        "card_id_code": KAT_CARD_ID,
        "internal_random_hex": KAT_R1,
        "internal_response_hex": KAT_RESPONSE,
        "external_challenge_hex": KAT_R2,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


class RawKiosk:
    """Signed requests built by hand (to send exactly what a test wants)."""

    def __init__(self, base_url: str, kiosk_id: str = DEMO_KIOSK_ID,
                 secret: str = DEMO_KIOSK_SECRET):
        self.base_url = base_url
        self.kiosk_id = kiosk_id
        self.secret = secret
        self.http = requests.Session()
        self.http.trust_env = False

    def send(self, method: str, path: str, body: bytes | dict | None = None, *,
             key: str | None | bool = True, timestamp: int | None = None,
             signed_path: str | None = None, signed_body: bytes | None = None,
             sign: bool = True, extra_headers: dict | None = None) -> requests.Response:
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        body = body or b""
        headers = {"Content-Type": "application/json"}
        if sign:
            headers.update(signing.signed_headers(
                self.kiosk_id, self.secret, method, signed_path or path,
                body if signed_body is None else signed_body,
                timestamp=int(time.time()) if timestamp is None else timestamp))
        if key is True:
            key = str(uuid.uuid4())
        if key:
            headers["Idempotency-Key"] = key
        headers.update(extra_headers or {})
        return self.http.request(method, self.base_url + path, data=body, headers=headers,
                                 timeout=10)

    def close(self):
        self.http.close()


def error_of(response: requests.Response) -> dict:
    """The ``error`` object of a contract error body (and check its shape)."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["details"], dict)
    return body["error"]
