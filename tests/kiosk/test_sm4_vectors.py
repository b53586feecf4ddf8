"""The known-answer vectors of ssc-card.md, computed by the core's SM4 helpers."""

from kiosk.sm4 import derive_card_key, mac4, sm4_ecb_encrypt

CID = bytes.fromhex("420100D156000005A1B2C3D4E5F60718")
K_IA = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
K_EA = bytes.fromhex("0F1E2D3C4B5A69788796A5B4C3D2E1F0")
K_PIN = bytes.fromhex("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF")


def test_card_key_derivation():
    assert derive_card_key(K_IA, CID).hex().upper() == "EC120EE6BE691D9CA4D8A5D1492AC3D0"


def test_internal_and_external_authentication():
    r1 = bytes(range(16))
    assert sm4_ecb_encrypt(derive_card_key(K_IA, CID), r1).hex().upper() == "F3E8555F4C478312969FD9785699C477"
    r2 = bytes(range(15, -1, -1))
    assert sm4_ecb_encrypt(derive_card_key(K_EA, CID), r2).hex().upper() == "A24860DBE49DC1D87156050DE289DC48"


def test_reset_and_unblock_mac():
    key = derive_card_key(K_PIN, CID)
    r3 = b"\x11" * 16
    assert mac4(key, r3, bytes.fromhex("805E000007123456")).hex().upper() == "67B62E21"
    assert mac4(key, r3, bytes.fromhex("8424000004")).hex().upper() == "87791AC3"
