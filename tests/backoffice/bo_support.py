"""Helpers of the back-office tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import requests

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


def error_of(response: requests.Response) -> dict:
    """The ``error`` object of a contract error body (and check its shape)."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def refused(response: requests.Response, status: int, code: str) -> dict:
    """The ``error`` object of a refusal with this HTTP status and contract code."""
    assert response.status_code == status, response.text
    err = error_of(response)
    assert err["code"] == code, err
    return err
