"""The reference back office in a process of its own, for tests whose faults must not
share the kiosk's process (``kiosk backoffice serve --demo`` as a child process).

:class:`BackOfficeProcess` starts ``serve_from_args`` on a free loopback port, demo
mode, on a copy of the seeded SQLite template (or on a fresh database of the
PostgreSQL run, :data:`backoffice.testing.database_factory`), with SMS codes
written to a file (:mod:`tests.support.sms_file`) and any ``SSC_BACKOFFICE_*``
settings given; it waits (bounded) until ``GET /v1/health`` answers. Its
output goes to a log file (a pipe could fill and stall the server).
:meth:`holds` opens the same database from the test to see what the back
office holds. :meth:`stop` ends the process (SIGTERM, then SIGKILL), always.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from backoffice import testing
from backoffice.db import Database

from . import sms_file
from .network import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30


class BackOfficeProcess:
    def __init__(self, folder: Path, *, jurisdiction: str = "hubei",
                 settings: dict[str, str] | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if testing.database_factory is not None:
            self.db_url = testing.database_factory()
        else:
            path = folder / "backoffice.sqlite3"
            shutil.copyfile(testing._seeded_template(), path)
            self.db_url = f"sqlite:///{path}"
        self.sms_path = folder / "sms.txt"
        self.log_path = folder / "backoffice.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SSC_BACKOFFICE_")}
        env.update({"PYTHONPATH": str(ROOT), sms_file.ENV: str(self.sms_path),
                    "SSC_BACKOFFICE_SMS_GATEWAY": "tests.support.sms_file:send"})
        env.update(settings or {})
        code = ("import sys; from backoffice.server import serve_from_args; "
                f"sys.exit(serve_from_args(db={self.db_url!r}, port={self.port}, "
                f"jurisdiction={jurisdiction!r}, demo=True))")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        self._database: Database | None = None
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                requests.get(self.url + "/v1/health", timeout=1)
                return
            except requests.ConnectionError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the back office exited: {self.log()}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the back office did not start: {self.log()}") from None
                time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def sms_code(self, phone: str | None = None) -> str:
        return sms_file.last_code(self.sms_path, phone)

    def holds(self) -> Database:
        """The back office's database, opened from the test (another process's view)."""
        if self._database is None:
            self._database = Database(self.db_url)
        return self._database

    def stop(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()

    def __enter__(self) -> "BackOfficeProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
