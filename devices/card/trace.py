"""The APDU trace for technicians: every command and answer, PINs redacted.

Redaction is decided here, by the command's class and instruction, not by the
caller: VERIFY, CHANGE/RESET and UNBLOCK never show their data, whoever sends
them. This is the only place that turns an APDU into text.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass

log = logging.getLogger("devices.card.apdu")

# (CLA, INS) of commands whose data must never be shown
_SECRET_COMMANDS = {(0x00, 0x20), (0x80, 0x5E), (0x84, 0x24)}


def redact_command(apdu: bytes | bytearray) -> str:
    """Hex of a command with the data of PIN-bearing commands replaced by ``**``."""
    apdu = bytes(apdu)
    if len(apdu) >= 2 and (apdu[0], apdu[1]) in _SECRET_COMMANDS and len(apdu) > 5:
        lc = apdu[4]
        return apdu[:5].hex().upper() + " " + "**" * lc + (" " + apdu[5 + lc:].hex().upper() if len(apdu) > 5 + lc else "")
    if len(apdu) > 5:
        return apdu[:5].hex().upper() + " " + apdu[5:].hex().upper()
    return apdu.hex().upper()


def describe_response(data: bytes, sw: int) -> str:
    return (data.hex().upper() + " " if data else "") + f"{sw:04X}"


@dataclass(frozen=True)
class TraceEntry:
    at: float          # time.monotonic()
    reader: str
    command: str       # already redacted
    response: str      # hex data and status word, or the error's code
    ms: float


class ApduTrace:
    """A bounded ring of redacted entries, shared by every channel of a process."""

    def __init__(self, size: int = 500):
        self._entries: collections.deque[TraceEntry] = collections.deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, reader: str, command: bytes | bytearray, response: str, ms: float) -> None:
        entry = TraceEntry(time.monotonic(), reader, redact_command(command), response, ms)
        with self._lock:
            self._entries.append(entry)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s > %s < %s (%.1f ms)", reader, entry.command, response, ms)

    def entries(self) -> list[TraceEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


#: the process-wide trace the maintenance screen shows
TRACE = ApduTrace()
