"""A session-wide guard: no PIN digits in any log or APDU trace of the whole test run.

Every log record of every logger (at DEBUG, so nothing is filtered before it is
checked) and every entry of the APDU trace is scanned for the PINs the tests
and the demo cards use. BCD packs a PIN into the same hex digits, so one search
catches the digits and the bytes. Log files that test processes write (the
pcscd log, server logs) are registered with :func:`watch_file` and scanned too.

When anything leaks, the session fails at teardown, naming the logger and the
place, never the PIN.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import pytest

#: every PIN a test or a demo profile uses; a test using another PIN adds it here
TEST_PINS = {"123456", "802413", "975310", "246810", "135790", "111222", "000111", "864209",
             "590317", "470285", "315926", "260719", "613058",
             # the demo technicians (backoffice/demo_technicians.py) and the demo local
             # maintenance code (kiosk.maintenance.DEMO_LOCAL_CODE)
             "730461", "419628", "305827", "582947"}

_files: list[Path] = []
_lock = threading.Lock()


def watch_file(path: str | Path) -> None:
    """Scan this file (a subprocess's log) at the end of the session."""
    with _lock:
        _files.append(Path(path))


_PIN_TOKENS = re.compile(r"(?<![0-9A-Fa-f])(" + "|".join(sorted(TEST_PINS)) + r")(?![0-9A-Fa-f])")
# a VERIFY / CHANGE / RESET command whose data is shown instead of redacted
_SECRET_APDU = re.compile(r"(0020000003|805E010007|805E000007)[\s:]*[0-9A-F]{2}", re.IGNORECASE)


def leaks_in(text: str) -> bool:
    """A test PIN as a token (digits or BCD hex), or a PIN command shown unredacted.

    Tokens need non-hex boundaries so that random challenges in hex dumps do not
    match by chance; a PIN hidden inside a longer hex dump is caught by the
    command pattern instead.
    """
    return bool(_PIN_TOKENS.search(text) or _SECRET_APDU.search(text))


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.found: list[str] = []
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += " " + repr(record.exc_info[1])
        except Exception:  # a record that cannot format is itself a bug, but not a leak
            return
        self.count += 1
        if leaks_in(text):
            self.found.append(f"logger {record.name} at {record.pathname}:{record.lineno}")


@pytest.fixture(scope="session", autouse=True)
def no_pin_in_logs():
    collector = _Collector()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    yield collector
    root.removeHandler(collector)
    root.setLevel(old_level)
    from devices.card.trace import TRACE

    found = list(collector.found)
    for e in TRACE.entries():
        if leaks_in(e.command) or leaks_in(e.response):
            found.append(f"APDU trace entry on {e.reader}")
    for path in _files:
        if path.exists() and leaks_in(path.read_text(errors="replace")):
            found.append(f"file {path}")
    assert not found, "PIN digits reached: " + "; ".join(sorted(set(found)))
