"""The kiosk's own lock on maintenance entry: failures in a row, kept across restarts.

``max_failures`` failed entries in a row (whatever the path: back office or
local code) lock entry for ``lockout_s`` seconds; a success resets the count.
The state is a small JSON file (``{"failures": n, "locked_until": "...Z"}``)
written atomically (a temporary file, fsync, rename, fsync of the directory),
so pulling the power neither resets the count nor leaves a half-written file.
A file that cannot be read counts as a fresh lock (the safe side), logged.
A lock that ends further away than ``lockout_s`` (the clock was set back)
is cut to ``lockout_s`` from now.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from pathlib import Path
from typing import Callable

from kiosk.files import write_atomically

log = logging.getLogger("kiosk.maintenance")


def iso_utc(moment: dt.datetime) -> str:
    """``2025-01-02T03:04:05Z`` (the back office's time format)."""
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class LocalLockout:
    def __init__(self, path: str | os.PathLike | None, *, max_failures: int = 5,
                 lockout_s: float = 900, clock: Callable[[], dt.datetime]):
        if max_failures < 1 or lockout_s <= 0:
            raise ValueError("max_failures and lockout_s must be positive")
        self.path = Path(path) if path is not None else None
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self._clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self._until: dt.datetime | None = None
        self._load()

    # --- state ------------------------------------------------------------------------
    def locked_until(self) -> dt.datetime | None:
        """The end of the current lock, or None when entry is open."""
        with self._lock:
            now = self._clock()
            if self._until is None or self._until <= now:
                return None
            longest = now + dt.timedelta(seconds=self.lockout_s)
            if self._until > longest:  # the clock went back: never lock longer than lockout_s
                self._until = longest
                self._save()
            return self._until

    def fail(self) -> dt.datetime | None:
        """Count a failure; the ``max_failures``-th locks (returns the lock's end)."""
        with self._lock:
            self.failures += 1
            if self.failures >= self.max_failures:
                self.failures = 0
                self._until = self._clock().replace(microsecond=0) + dt.timedelta(
                    seconds=self.lockout_s)
            self._save()
            return self._until if self.failures == 0 else None

    def succeed(self) -> None:
        with self._lock:
            if self.failures or self._until is not None:
                self.failures = 0
                self._until = None
                self._save()

    # --- the file -----------------------------------------------------------------------
    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            failures = int(data.get("failures", 0))
            until = data.get("locked_until")
            self._until = (dt.datetime.fromisoformat(until.replace("Z", "+00:00"))
                           if isinstance(until, str) else None)
            if failures < 0 or (self._until is not None and self._until.tzinfo is None):
                raise ValueError("bad values")
            self.failures = failures
        except (OSError, ValueError, TypeError, AttributeError):
            log.warning("maintenance lockout state %s is unreadable: entry locked for %d s",
                        self.path, self.lockout_s)
            self.failures = 0
            self._until = self._clock().replace(microsecond=0) + dt.timedelta(
                seconds=self.lockout_s)
            self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        data = {"failures": self.failures,
                "locked_until": iso_utc(self._until) if self._until is not None else None}
        write_atomically(self.path, json.dumps(data))
        try:
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
