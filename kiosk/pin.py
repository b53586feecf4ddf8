"""The citizen's PIN: held in a wipeable buffer, never printed, checked for weakness.

A :class:`Pin` keeps its digits in a ``bytearray`` that :meth:`Pin.wipe` zeroes;
``repr``/``str`` never show the digits, so a PIN that reaches a log line, an
exception or a traceback shows as ``Pin(******)``.
"""

from __future__ import annotations

from .errors import WeakPin

PIN_LENGTH = 6
INITIAL_PIN_DIGITS = b"123456"


class Pin:
    __slots__ = ("_digits",)

    def __init__(self, digits: str | bytes | bytearray = b""):
        self._digits = bytearray(digits.encode("ascii") if isinstance(digits, str) else digits)
        if any(c < 0x30 or c > 0x39 for c in self._digits):
            self.wipe()
            raise ValueError("a PIN has digits only")

    # --- entry on a keypad --------------------------------------------------
    def add_digit(self, digit: str) -> None:
        if len(digit) != 1 or not digit.isdigit() or len(self._digits) >= PIN_LENGTH:
            return
        self._digits.append(ord(digit))

    def backspace(self) -> None:
        if self._digits:
            self._digits[-1] = 0
            del self._digits[-1]

    def __len__(self) -> int:
        return len(self._digits)

    @property
    def complete(self) -> bool:
        return len(self._digits) == PIN_LENGTH

    # --- use ------------------------------------------------------------------
    def to_bcd(self) -> bytearray:
        """Packed BCD (3 bytes); the caller wipes the result after sending."""
        if not self.complete:
            raise ValueError("a PIN has 6 digits")
        out = bytearray(3)
        for i in range(3):
            out[i] = ((self._digits[2 * i] - 0x30) << 4) | (self._digits[2 * i + 1] - 0x30)
        return out

    def ascii_digits(self) -> bytearray:
        """A copy of the digits as ASCII, for a secret sent or hashed as text (a
        technician's PIN, ``kiosk.maintenance``); the caller wipes it after use."""
        return bytearray(self._digits)

    def same_as(self, other: "Pin") -> bool:
        import hmac

        return hmac.compare_digest(bytes(self._digits), bytes(other._digits))

    def wipe(self) -> None:
        for i in range(len(self._digits)):
            self._digits[i] = 0
        del self._digits[:]

    def __repr__(self) -> str:
        return f"Pin({'*' * len(self._digits)})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:  # never compare by accident
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        raise TypeError("a PIN is not serialisable")


def initial_pin() -> Pin:
    return Pin(INITIAL_PIN_DIGITS)


def check_new_pin(new: Pin, confirmation: Pin | None = None) -> None:
    """Refuse a weak or mistyped new PIN before any APDU is sent (raises WeakPin)."""
    d = new._digits  # noqa: SLF001 - the one place that inspects the digits
    if len(d) != PIN_LENGTH:
        raise WeakPin("not_six_digits")
    if confirmation is not None and not new.same_as(confirmation):
        raise WeakPin("mismatch")
    if bytes(d) == INITIAL_PIN_DIGITS:
        raise WeakPin("initial_pin")
    if len(set(d)) == 1:
        raise WeakPin("all_same")
    steps = {d[i + 1] - d[i] for i in range(len(d) - 1)}
    if steps in ({1}, {-1}):
        raise WeakPin("sequence")
