"""SM4 primitives of the card profile (``shared/spec/ssc-card.md``).

The kiosk itself holds no keys; these functions serve the back office's HSM
simulation and the software card, which must compute the same values.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 16


def sm4_ecb_encrypt(key: bytes, data: bytes) -> bytes:
    if len(key) != BLOCK or len(data) % BLOCK:
        raise ValueError("SM4-ECB needs a 16-byte key and whole 16-byte blocks")
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def derive_card_key(master_key: bytes, card_id_code: bytes) -> bytes:
    """A card key: SM4-ECB of the 16-byte card identification code."""
    return sm4_ecb_encrypt(master_key, card_id_code)


def pad_iso9797_m2(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2: ``80`` then ``00`` to a whole block."""
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % BLOCK)


def mac4(key: bytes, iv: bytes, data: bytes) -> bytes:
    """First 4 bytes of the last block of SM4-CBC(IV) over padded ``data``."""
    enc = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    out = enc.update(pad_iso9797_m2(data)) + enc.finalize()
    return out[-BLOCK:][:4]
