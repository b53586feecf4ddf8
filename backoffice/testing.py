"""Helpers for tests and demos that talk to the reference back office over HTTP.

- :func:`card_auth_body`: a ``POST /v1/card-auth`` body with a card's genuine
  internal-authentication answer (the spec's TEST keys, as the software card);
- :class:`CapturingSms`: an SMS sender that keeps the codes (set it as
  ``server.state.sms``) instead of writing them to the log;
- :func:`portrait_jpeg`: a synthetic ID-style portrait (white background, one
  drawn face that OpenCV's Haar cascade detects: :func:`devices.camera.scene.portrait_image`),
  358 x 441 px and 14-40 KB by default, with knobs to break each photo rule;
- :class:`Kiosk`: signed requests as a kiosk (``Idempotency-Key`` on writes,
  ``Authorization: Bearer`` when given, wrong signatures on purpose), and the
  session openings: the one signed sender of the tests and benches.

Nothing here is used by the server itself.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import typing
import uuid
from dataclasses import dataclass

import cv2
import numpy as np
import requests

from devices.camera.scene import portrait_image
from kiosk import signing
from kiosk.sm4 import derive_card_key, sm4_ecb_encrypt

from .config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from .hsm import TEST_KEYS

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def card_auth_body(card_no: str, card_id_code: str, *, r1: bytes | None = None,
                   r2: bytes | None = None, master_k_ia: bytes = TEST_KEYS.internal_auth) -> dict:
    """``POST /v1/card-auth`` with the genuine ``SM4(K_IA, R1)`` of this card."""
    r1 = r1 or os.urandom(16)
    r2 = r2 or os.urandom(16)
    k_ia = derive_card_key(master_k_ia, bytes.fromhex(card_id_code))
    return {"card_no": card_no, "card_id_code": card_id_code.upper(),
            "internal_random_hex": r1.hex().upper(),
            "internal_response_hex": sm4_ecb_encrypt(k_ia, r1).hex().upper(),
            "external_challenge_hex": r2.hex().upper()}


class CapturingSms:
    """An SMS sender that keeps ``(phone, code)`` pairs (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        with self._lock:
            self.sent.append((phone, code))

    def last_code(self, phone: str | None = None) -> str:
        with self._lock:
            for sent_to, code in reversed(self.sent):
                if phone is None or sent_to == phone:
                    return code
        raise LookupError("no SMS was sent")


# --- a synthetic portrait ------------------------------------------------------------

def encode_jpeg(image: np.ndarray, *, min_kb: int = 14, max_kb: int = 40) -> bytes:
    """JPEG bytes, choosing the quality so the size lands in ``min_kb``-``max_kb`` when it can."""
    best = b""
    for quality in range(95, 9, -5):
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        data = buf.tobytes()
        best = data
        if len(data) <= max_kb * 1024:
            break
    if len(best) < min_kb * 1024:
        # pad with a JPEG comment (COM segment) after SOI: a valid file, a bigger size
        pad = min_kb * 1024 - len(best) + 16
        segments = []
        while pad > 0:
            chunk = min(pad, 65000)
            segments.append(b"\xff\xfe" + (chunk + 2).to_bytes(2, "big") + b" " * chunk)
            pad -= chunk + 4
        best = best[:2] + b"".join(segments) + best[2:]
    return best


def portrait_jpeg(**knobs) -> bytes:
    """A portrait that passes every default photo rule unless a knob breaks one."""
    size = {k: knobs.pop(k) for k in ("min_kb", "max_kb") if k in knobs}
    return encode_jpeg(portrait_image(**knobs), **size)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- a kiosk ---------------------------------------------------------------------------

@dataclass
class Opened:
    """An opened session: the answer, and its token (None while an SMS code is due)."""

    answer: dict

    @property
    def token(self) -> str | None:
        return self.answer.get("token")

    @property
    def session_id(self) -> str:
        return self.answer["session_id"]


class Kiosk:
    """Signed requests to a back office, as the kiosk ``kiosk_id`` (the one signed
    sender of the tests and benches).

    ``key``: None sends a fresh ``Idempotency-Key`` on writes, False sends none, a
    string is sent as it is (on reads too). ``sign=False``, ``timestamp``,
    ``signed_path``, ``signed_body`` and ``extra_headers`` let a test send a wrong
    signature on purpose.
    """

    def __init__(self, base_url: str, kiosk_id: str = DEMO_KIOSK_ID,
                 secret: str = DEMO_KIOSK_SECRET):
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.secret = secret
        self.http = requests.Session()
        self.http.trust_env = False

    def send(self, method: str, path: str, body: dict | list | bytes | None = None, *,
             token: str | None = None, key: str | bool | None = None,
             timestamp: int | None = None, signed_path: str | None = None,
             signed_body: bytes | None = None, sign: bool = True,
             extra_headers: dict | None = None,
             timeout: float = 15) -> requests.Response:
        method = method.upper()
        data = body if isinstance(body, bytes) else (
            json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else b"")
        headers = {"Content-Type": "application/json"}
        if sign:
            headers.update(signing.signed_headers(
                self.kiosk_id, self.secret, method, signed_path or path,
                data if signed_body is None else signed_body,
                timestamp=int(time.time()) if timestamp is None else timestamp))
        if key is None and method in WRITE_METHODS:
            key = str(uuid.uuid4())
        if key:
            headers[signing.IDEMPOTENCY_KEY_HEADER] = key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra_headers or {})
        return self.http.request(method, self.base_url + path, data=data, headers=headers,
                                 timeout=timeout)

    def ok(self, method: str, path: str, body=None, **kw):
        """``send`` that expects a 2xx and returns the JSON (None for 204)."""
        r = self.send(method, path, body, **kw)
        if not 200 <= r.status_code < 300:
            raise AssertionError(f"{method} {path}: {r.status_code} {r.text}")
        return None if r.status_code == 204 else r.json()

    # --- sessions ----------------------------------------------------------------
    def card_auth(self, card_no: str, card_id_code: str) -> str:
        return self.ok("POST", "/v1/card-auth", card_auth_body(card_no, card_id_code))[
            "card_auth_id"]

    def card_session(self, card_no: str, card_id_code: str) -> Opened:
        card_auth_id = self.card_auth(card_no, card_id_code)
        return Opened(self.ok("POST", "/v1/sessions", {"method": "card",
                                                       "card_auth_id": card_auth_id}))

    def sms_session(self, ssn: str, name: str, sms: CapturingSms,
                    phone: str | None = None) -> Opened:
        opened = self.ok("POST", "/v1/sessions", {"method": "sms", "ssn": ssn, "name": name})
        code = sms.last_code(phone)
        verified = self.ok("POST", f"/v1/sessions/{opened['session_id']}/verify",
                           {"code": code})
        return Opened({**opened, **verified})

    def face_session(self, ssn: str, name: str, jpeg: bytes | None = None) -> Opened:
        return Opened(self.ok("POST", "/v1/sessions", {
            "method": "face", "ssn": ssn, "name": name,
            "image_jpeg_b64": b64(jpeg or portrait_jpeg())}))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Kiosk":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- a server for a test ------------------------------------------------------------------

class TestServer:
    """A running back office (test mode) with its SMS codes captured and a kiosk to call it."""

    __test__ = False  # not a pytest test class

    def __init__(self, bo, sms: CapturingSms):
        self.bo = bo
        self.sms = sms
        self.kiosk = Kiosk(bo.url)

    @property
    def url(self) -> str:
        return self.bo.url

    @property
    def state(self):
        return self.bo.state

    def shift_days(self, days: float) -> dict:
        """Move the business clock on, through ``POST /v1/test/clock``."""
        return self.kiosk.ok("POST", "/v1/test/clock", {"advance_s": days * 86400})

    def session(self, key: str, method: str = "card") -> Opened:
        """A verified session of the demo person ``key`` (:data:`backoffice.demo_data.PEOPLE`)."""
        from .demo_data import PEOPLE

        person = PEOPLE[key]
        if method == "card":
            card = person.card
            return self.kiosk.card_session(card.card_no, card.card_id_code)
        if method == "sms":
            return self.kiosk.sms_session(person.ssn, person.name, self.sms, person.phone)
        if method == "face":
            return self.kiosk.face_session(person.ssn, person.name)
        raise ValueError(method)

    def token(self, key: str, method: str = "card") -> str:
        token = self.session(key, method).token
        assert token
        return token

    def stop(self) -> None:
        self.kiosk.close()
        self.bo.stop()
        folder = getattr(self, "_folder", None)
        if folder is not None:
            folder.cleanup()
            self._folder = None


_template_lock = threading.Lock()
_template: dict[str, str] = {}


def _seeded_template() -> str:
    """A migrated and seeded SQLite file made once per process (copied for each server)."""
    import atexit
    import datetime as dt
    import shutil
    import tempfile

    from .db import Database
    from .demo_data import seed

    with _template_lock:
        if "path" not in _template:
            folder = tempfile.mkdtemp(prefix="ssc-backoffice-template-")
            atexit.register(shutil.rmtree, folder, True)
            path = os.path.join(folder, "template.sqlite3")
            database = Database(f"sqlite:///{path}")
            now = dt.datetime.now(dt.timezone.utc)
            database.create_schema(now)
            seed(database, now)
            database.dispose()  # checkpoints the WAL into the file
            _template["path"] = path
        return _template["path"]


#: when set (by the test suite's PostgreSQL run), every test server gets a fresh
#: database from it instead of a copy of the seeded SQLite template
database_factory: "typing.Callable[[], str] | None" = None


def start(jurisdiction: str = "hubei", **overrides) -> TestServer:
    """A test-mode back office of ``jurisdiction`` on loopback, demo data seeded.

    Without a ``db_url`` it runs on a copy of a database migrated and seeded once
    per process (a start takes milliseconds, not a seeding).
    """
    import shutil
    import tempfile

    from .config import BackOfficeConfig
    from .server import EmbeddedBackOffice

    folder = None
    if "db_url" not in overrides and database_factory is not None:
        overrides["db_url"] = database_factory()
    if "db_url" not in overrides:
        folder = tempfile.TemporaryDirectory(prefix="ssc-backoffice-test-")
        path = os.path.join(folder.name, "bo.sqlite3")
        shutil.copyfile(_seeded_template(), path)
        overrides["db_url"] = f"sqlite:///{path}"
    bo = EmbeddedBackOffice(BackOfficeConfig.for_tests(jurisdiction=jurisdiction, **overrides))
    try:
        bo.start()
    except BaseException:
        if folder is not None:
            folder.cleanup()
        raise
    sms = CapturingSms()
    bo.state.sms = sms
    server = TestServer(bo, sms)
    server._folder = folder
    return server
