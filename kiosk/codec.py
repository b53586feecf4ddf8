"""Encodings used on the card: packed BCD, BCD dates, GBK text, regions."""

from __future__ import annotations

import datetime as dt


class DecodeError(ValueError):
    """A field on the card is not in the encoding the profile says."""


def bcd_encode(digits: str) -> bytes:
    if len(digits) % 2 or not digits.isdigit() or not digits.isascii():
        raise ValueError("BCD needs an even number of decimal digits")
    return bytes.fromhex(digits)


def bcd_decode(data: bytes, *, pad: int | None = None) -> str:
    """Packed BCD to digits; trailing ``pad`` bytes (e.g. ``0xFF``) are dropped."""
    if pad is not None:
        data = data.rstrip(bytes([pad]))
    text = data.hex().upper()
    if pad == 0xFF and text.endswith("F"):  # a half-filled last byte
        text = text[:-1]
    if not text.isdigit():
        raise DecodeError(f"not BCD: {data.hex().upper()}")
    return text


def bcd_date_decode(data: bytes) -> dt.date:
    digits = bcd_decode(data)
    if len(digits) != 8:
        raise DecodeError(f"a BCD date has 8 digits, not {len(digits)}")
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as exc:
        raise DecodeError(f"not a date: {digits}") from exc


def bcd_date_encode(day: dt.date) -> bytes:
    return bcd_encode(day.strftime("%Y%m%d"))


def gbk_decode(data: bytes) -> str:
    """GBK text padded with ``00`` bytes (trailing ``FF`` and spaces dropped too)."""
    raw = data.split(b"\x00", 1)[0].rstrip(b"\xff ")
    try:
        return raw.decode("gbk")
    except UnicodeDecodeError:
        # GB 18030 is a superset of GBK: accept what a newer card may carry.
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise DecodeError("text is not GBK") from exc


def gbk_encode(text: str, size: int) -> bytes:
    raw = text.encode("gbk")
    if len(raw) > size:
        raise ValueError(f"{len(raw)} bytes of GBK do not fit in {size}")
    return raw.ljust(size, b"\x00")


def split_name(name: str, first: int = 30, extension: int = 20) -> tuple[bytes, bytes]:
    """Split a name into the 姓名 (09) and 姓名扩展 (4E) fields on a character boundary."""
    head = b""
    rest = ""
    for i, ch in enumerate(name):
        enc = ch.encode("gbk")
        if len(head) + len(enc) > first:
            rest = name[i:]
            break
        head += enc
    return head.ljust(first, b"\x00"), gbk_encode(rest, extension)


def ascii_decode(data: bytes) -> str:
    try:
        return data.rstrip(b"\x00 ").decode("ascii")
    except UnicodeDecodeError as exc:
        raise DecodeError("text is not ASCII") from exc
