"""The HSM (加密机) simulation: card authentication and PIN-command MACs.

It follows ``shared/spec/ssc-card.md``: a card key is SM4-ECB of the card
identification code under a master key; internal authentication is
``SM4-ECB(K_IA, R1)``, external authentication ``SM4-ECB(K_EA, R2)``; RESET and
UNBLOCK carry a MAC4 under ``K_PIN`` with IV = the card's challenge R3.

A real deployment calls its HSM instead; keys never leave this object and are
never logged. The spec's test keys are used only in demo or test mode (see
:mod:`backoffice.config`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

from kiosk.sm4 import derive_card_key, mac4, sm4_ecb_encrypt

BLOCK = 16
PinOperation = Literal["reload", "unblock"]

#: RESET (重装PIN) sets the PIN to ``123456``
RESET_PIN_BCD = bytes.fromhex("123456")
_RESET_HEADER = bytes.fromhex("805E0000")
_UNBLOCK_HEADER = bytes.fromhex("84240000")
MAC_LENGTH = 4


@dataclass(frozen=True)
class HsmKeys:
    """The three master keys (16 bytes each)."""

    internal_auth: bytes   # K_IA master
    external_auth: bytes   # K_EA master
    pin: bytes             # K_PIN master

    def __post_init__(self) -> None:
        for name in ("internal_auth", "external_auth", "pin"):
            value = getattr(self, name)
            if not isinstance(value, (bytes, bytearray)) or len(value) != BLOCK:
                raise ValueError(f"HSM master key {name} must be 16 bytes")

    @classmethod
    def from_hex(cls, internal_auth: str, external_auth: str, pin: str) -> "HsmKeys":
        try:
            return cls(bytes.fromhex(internal_auth), bytes.fromhex(external_auth),
                       bytes.fromhex(pin))
        except ValueError as exc:
            raise ValueError(f"HSM master keys must be 32 hex digits each ({exc})") from None

    def __repr__(self) -> str:  # never show key material
        return "HsmKeys(<redacted>)"


#: The spec's TEST keys ("never in production builds' defaults").
TEST_KEYS = HsmKeys(
    internal_auth=bytes.fromhex("00112233445566778899AABBCCDDEEFF"),
    external_auth=bytes.fromhex("0F1E2D3C4B5A69788796A5B4C3D2E1F0"),
    pin=bytes.fromhex("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF"),
)


def _block(value: bytes, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != BLOCK:
        raise ValueError(f"{what} must be 16 bytes")
    return bytes(value)


class Hsm:
    """The simulated 加密机, bound to one set of master keys."""

    def __init__(self, keys: HsmKeys):
        self._keys = keys

    def __repr__(self) -> str:
        return "Hsm(<keys redacted>)"

    # --- card authentication ---------------------------------------------
    def check_internal_auth(self, card_id_code: bytes, r1: bytes, response: bytes) -> bool:
        """Is ``response`` the card's right answer ``SM4(K_IA, R1)``? (constant time)"""
        card_id_code = _block(card_id_code, "card identification code")
        r1 = _block(r1, "R1")
        if not isinstance(response, (bytes, bytearray)) or len(response) != BLOCK:
            return False
        k_ia = derive_card_key(self._keys.internal_auth, card_id_code)
        return hmac.compare_digest(sm4_ecb_encrypt(k_ia, r1), bytes(response))

    def external_auth(self, card_id_code: bytes, r2: bytes) -> bytes:
        """``SM4(K_EA, R2)``, what the terminal sends in EXTERNAL AUTHENTICATE."""
        card_id_code = _block(card_id_code, "card identification code")
        k_ea = derive_card_key(self._keys.external_auth, card_id_code)
        return sm4_ecb_encrypt(k_ea, _block(r2, "R2"))

    # --- PIN reset and unblock -------------------------------------------
    def pin_command(self, operation: PinOperation, card_id_code: bytes,
                    challenge: bytes) -> bytes:
        """The whole APDU of a RESET (``"reload"``) or UNBLOCK (``"unblock"``).

        RESET: ``80 5E 00 00 07 123456 MAC4``; UNBLOCK: ``84 24 00 00 04 MAC4``.
        The MAC covers CLA INS P1 P2 Lc (Lc counts the MAC) and the data before
        the MAC, SM4-CBC with IV = ``challenge`` (R3) under the card's K_PIN.
        """
        card_id_code = _block(card_id_code, "card identification code")
        challenge = _block(challenge, "challenge")
        if operation == "reload":
            data = RESET_PIN_BCD
            header = _RESET_HEADER
        elif operation == "unblock":
            data = b""
            header = _UNBLOCK_HEADER
        else:
            raise ValueError(f"unknown PIN operation {operation!r}")
        lc = bytes([len(data) + MAC_LENGTH])
        mac_input = header + lc + data
        k_pin = derive_card_key(self._keys.pin, card_id_code)
        return mac_input + mac4(k_pin, challenge, mac_input)
