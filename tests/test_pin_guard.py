"""The session-wide PIN guard must catch what it is there to catch."""

import logging

from devices.card.trace import ApduTrace
from tests.support.pin_leaks import _Collector, leaks_in


def test_guard_sees_pins_as_digits_and_as_unredacted_commands():
    assert leaks_in("verify failed for 802413")
    assert leaks_in("> 0020000003802413 < 63C4")
    assert leaks_in("> 805E010007 802413FF135790")
    assert not leaks_in("> 0020000003 ****** < 63C4")
    assert not leaks_in("R1 = 9A802413FFE0")          # random hex that happens to contain digits


def test_guard_collects_from_any_logger():
    c = _Collector()
    log = logging.getLogger("pin_guard_selftest")
    log.propagate = False          # this deliberate leak must not reach the session's own guard
    log.addHandler(c)
    log.setLevel(logging.DEBUG)
    try:
        log.debug("pin was %s", "135790")
        log.debug("nothing here")
    finally:
        log.removeHandler(c)
    assert len(c.found) == 1 and c.found[0].startswith("logger pin_guard_selftest at ")
    assert "135790" not in c.found[0]          # the report names the place, not the PIN


def test_trace_entries_of_pin_commands_pass_the_guard():
    trace = ApduTrace()
    trace.record("r", bytes.fromhex("0020000003802413"), "9000", 0.1)
    trace.record("r", bytes.fromhex("805E010007802413FF135790"), "9000", 0.1)
    assert not any(leaks_in(e.command) for e in trace.entries())
