"""Diagnostics: is this kiosk healthy? One engine for ``kiosk diag`` and the maintenance screen.

A :class:`Check` is a name and a function that returns one :class:`CheckResult`
(or several: the PC/SC check adds one per reader). :func:`run_checks` runs
checks side by side, each bounded by its own ``timeout_s``; a check that raises
becomes a ``fail`` naming the exception's type, a check that hangs becomes a
``fail`` saying so (its thread is left behind as a daemon), so the caller always
gets an answer in bounded time and never a traceback. :func:`overall` folds the
results into one status (:mod:`kiosk.check_results`); ``kiosk diag`` exits 1 when it
is ``fail``.

The checks of :mod:`kiosk.checks` need no hardware (no Qt, no pyscard): the back office and its
TLS certificate, disk space, the journal and its outbox, the software version,
the rule pack, speech output (one module per family); :func:`kiosk_checks` lists them
ready to run. The hardware checks (PC/SC, readers, the card,
the camera) are in :mod:`devices.diagnostics`. Every threshold is a module
constant and is described in ``docs/diagnostics.md``.

Nothing here reads or prints personal data: the journal check counts rows, the
back office check calls the unsigned ``GET /v1/health`` only.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, Iterable
from urllib.parse import urlsplit

from .check_results import FAIL, CheckResult, fail, one_line
from .checks.backoffice import check_backoffice, check_tls
from .checks.software import check_rule_pack, check_version
from .checks.speech import SPEECH_TIMEOUT_S, check_speech
from .checks.storage import check_disk, check_journal
from .voices import ESPEAK

#: a check that has not answered within this many seconds is a ``fail``
DEFAULT_CHECK_TIMEOUT_S = 15.0


# --- running ---------------------------------------------------------------------------------

CheckFunction = Callable[[], "CheckResult | list[CheckResult]"]


@dataclass(frozen=True)
class Check:
    """A named check; ``run`` returns one result or a list (possibly empty)."""

    name: str
    run: CheckFunction
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S


def _crashed(name: str, exc: BaseException) -> CheckResult:
    message = one_line(exc)
    return fail(name, f"the check failed: {type(exc).__name__}" + (f": {message}" if message else ""),
                error=type(exc).__name__, code=getattr(exc, "code", None))


class _Running:
    """One check on its own daemon thread (a hung check never keeps the process alive)."""

    def __init__(self, check: Check):
        self.check = check
        self.results: list[CheckResult] | None = None
        self.done = threading.Event()
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._run, name=f"diag:{check.name}", daemon=True)

    def start(self) -> "_Running":
        self.started = time.monotonic()
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            out = self.check.run()
            results = [out] if isinstance(out, CheckResult) else list(out)
            if not all(isinstance(r, CheckResult) for r in results):
                raise TypeError(f"check {self.check.name} returned {type(out).__name__}")
        except BaseException as exc:  # noqa: BLE001 - a check never crashes the diagnostics
            results = [_crashed(self.check.name, exc)]
        ms = (time.monotonic() - self.started) * 1000
        self.results = [r if r.ms is not None else replace(r, ms=ms) for r in results]
        self.done.set()

    def wait(self) -> list[CheckResult]:
        left = self.started + self.check.timeout_s - time.monotonic()
        if self.done.wait(max(0.0, left)) and self.results is not None:
            return self.results
        return [CheckResult(self.check.name, FAIL,
                            f"the check did not finish within {self.check.timeout_s:g} s",
                            {"timeout_s": self.check.timeout_s},
                            ms=(time.monotonic() - self.started) * 1000)]


def run_check(check: Check) -> list[CheckResult]:
    """Run one check (bounded by its ``timeout_s``): its results, never an exception."""
    return _Running(check).start().wait()


def run_checks(checks: Iterable[Check]) -> list[CheckResult]:
    """Run ``checks`` side by side, each bounded by its own ``timeout_s``; results in
    the order of the checks (a check with several results keeps their order)."""
    running = [_Running(c).start() for c in checks]
    results: list[CheckResult] = []
    for r in running:
        results.extend(r.wait())
    return results

# --- the kiosk's own checks, ready to run ---------------------------------------------------

def kiosk_checks(*, backoffice_url: str | None, journal_path: str | os.PathLike,
                 data_dir: str | os.PathLike, jurisdiction: str,
                 ca_bundle: str | None = None,
                 client_cert: str | tuple[str, str] | None = None, today: dt.date | None = None,
                 speech_executable: str = ESPEAK) -> list[Check]:
    """The hardware-free checks in the order the maintenance screen shows them (the
    TLS check only for an ``https`` back office; none at all without a URL)."""
    checks: list[Check] = []
    if backoffice_url:
        checks.append(Check("backoffice", lambda: check_backoffice(
            backoffice_url, ca_bundle=ca_bundle, client_cert=client_cert,
            expect_jurisdiction=jurisdiction)))
        if urlsplit(backoffice_url).scheme == "https":
            checks.append(Check("backoffice_tls", lambda: check_tls(
                backoffice_url, ca_bundle=ca_bundle, client_cert=client_cert)))
    checks += [
        Check("disk", lambda: check_disk(data_dir)),
        Check("journal", lambda: check_journal(journal_path)),
        Check("version", check_version),
        Check("rule_pack", lambda: check_rule_pack(jurisdiction, today=today)),
        Check("speech", lambda: check_speech(executable=speech_executable),
              timeout_s=2 * SPEECH_TIMEOUT_S + 5),
    ]
    return checks
