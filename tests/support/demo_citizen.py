"""Demo citizen sessions against a running reference back office (tests and benchmarks).

A session is opened the way a kiosk opens one after the PIN was verified on
the card: ``POST /v1/card-auth`` with a demo card's genuine answer (computed
here with the spec's TEST master keys, as the software card would), then
``POST /v1/sessions {method: "card", card_auth_id}``. The demo cards are the
software card's demo profiles (``devices/card/emulator/profiles``); the back
office seeds the same cards in demo and test mode. Only the HTTP API is used,
so the server may run in another process.

    citizens = DemoCitizens(base_url)
    citizen = citizens.find()             # the first demo card that opens a session
    token = citizen.token()               # its bearer token (a fresh one: fresh_token())
    citizens.kiosk.send("GET", "/v1/me/card", key=False, token=token)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import requests

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from backoffice.testing import Kiosk
from kiosk.sm4 import derive_card_key, sm4_ecb_encrypt

#: the spec's TEST master key of internal authentication (ssc-card.md)
TEST_K_IA_MASTER = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
#: the demo profiles tried first (an ordinary active card)
PREFERRED = ("ordinary", "initial_pin", "expiring_soon", "long_name", "blocked")


class Unavailable(RuntimeError):
    """No demo citizen session can be opened on this server (and why)."""


@dataclass(frozen=True)
class DemoCard:
    profile: str
    card_no: str
    card_id_code: str          # 32 hex digits
    master_k_ia: bytes = field(default=TEST_K_IA_MASTER, repr=False)

    def card_auth_body(self, r1: bytes | None = None, r2: bytes | None = None) -> dict:
        """A ``POST /v1/card-auth`` body with the card's genuine internal answer."""
        r1 = r1 or os.urandom(16)
        r2 = r2 or os.urandom(16)
        k_ia = derive_card_key(self.master_k_ia, bytes.fromhex(self.card_id_code))
        return {
            "card_no": self.card_no,
            "card_id_code": self.card_id_code,
            "internal_random_hex": r1.hex().upper(),
            "internal_response_hex": sm4_ecb_encrypt(k_ia, r1).hex().upper(),
            "external_challenge_hex": r2.hex().upper(),
        }


def demo_cards() -> list[DemoCard]:
    """The demo profiles that are SM4 social security cards, preferred ones first."""
    from devices.card.emulator.profile import demo_profiles, load_profile

    cards = []
    for name, path in demo_profiles().items():
        try:
            p = load_profile(path)
        except Exception:  # noqa: BLE001 - a profile that does not load is not a candidate
            continue
        if not p.has_ssc_application or p.algorithm != 3:
            continue
        k_ia = p.master_keys.get("internal_auth", TEST_K_IA_MASTER) \
            if isinstance(p.master_keys, dict) else TEST_K_IA_MASTER
        cards.append(DemoCard(name, p.card_no, p.card_id_code.hex().upper(), k_ia))
    order = {name: i for i, name in enumerate(PREFERRED)}
    cards.sort(key=lambda c: (order.get(c.profile, len(order)), c.profile))
    return cards


@dataclass
class Citizen:
    """A demo card whose card sessions open on this server."""

    citizens: "DemoCitizens"
    card: DemoCard
    card_auth_id: str
    session_id: str
    _token: str = field(repr=False)
    status: str | None = None
    services: tuple[str, ...] = ()
    #: the ``duration`` to send with a temporary loss report (None: until lifted / the pack's)
    loss_duration: str | None = None

    @property
    def card_no(self) -> str:
        return self.card.card_no

    def token(self) -> str:
        return self._token

    def fresh_token(self) -> str:
        return self.citizens.open_session(self.card)[1]


class DemoCitizens:
    def __init__(self, base_url: str, kiosk_id: str = DEMO_KIOSK_ID,
                 secret: str = DEMO_KIOSK_SECRET):
        self.base_url = base_url
        self.kiosk = Kiosk(base_url, kiosk_id, secret)
        self._card: DemoCard | None = None

    def card_auth(self, card: DemoCard) -> str:
        r = self.kiosk.send("POST", "/v1/card-auth", card.card_auth_body())
        if r.status_code != 200:
            raise Unavailable(f"card-auth of {card.profile}: HTTP {r.status_code} {r.text[:200]}")
        return r.json()["card_auth_id"]

    def open_session(self, card: DemoCard) -> tuple[str, str, str]:
        """(card_auth_id, token, session_id) of a new card session for ``card``."""
        card_auth_id = self.card_auth(card)
        r = self.kiosk.send("POST", "/v1/sessions", {"method": "card",
                                                      "card_auth_id": card_auth_id})
        if r.status_code == 404 and _code(r) == "NOT_FOUND":
            raise Unavailable("the server does not serve POST /v1/sessions")
        if r.status_code != 200 or not r.json().get("token"):
            raise Unavailable(f"card session of {card.profile}: HTTP {r.status_code} "
                              f"{r.text[:200]}")
        body = r.json()
        return card_auth_id, body["token"], body["session_id"]

    def find(self, *, status: str | None = "active",
             service: str | None = None) -> Citizen:
        """The first demo card that opens a session (with that card status / service)."""
        reasons = []
        for card in demo_cards():
            try:
                card_auth_id, token, session_id = self.open_session(card)
            except Unavailable as exc:
                if "does not serve" in str(exc):
                    raise
                reasons.append(str(exc))
                continue
            r = self.kiosk.send("GET", "/v1/me/card", key=False, token=token)
            if r.status_code != 200:
                reasons.append(f"{card.profile}: GET /v1/me/card HTTP {r.status_code}")
                continue
            data = r.json()
            if status is not None and data.get("status") != status:
                reasons.append(f"{card.profile}: status {data.get('status')}")
                continue
            if service is not None and service not in data.get("services", ()):
                reasons.append(f"{card.profile}: no {service}")
                continue
            self._card = card
            return Citizen(self, card, card_auth_id, session_id, token, data.get("status"),
                           tuple(data.get("services", ())))
        raise Unavailable("no demo card opens a suitable session: " + "; ".join(reasons))

    def fresh_card_auth_id(self) -> str:
        """A new ``card_auth_id`` of the chosen (or first working) demo card."""
        card = self._card or self.find(status=None).card
        return self.card_auth(card)

    def fresh_token(self) -> str:
        """A new card session's token for the chosen (or first working) demo card."""
        if self._card is None:
            return self.find(status=None).token()
        return self.open_session(self._card)[1]

    def close(self) -> None:
        self.kiosk.close()


def _code(r: requests.Response) -> str | None:
    try:
        return r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
