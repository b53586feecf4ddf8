"""The kiosk's heartbeat: ``POST /v1/kiosks/heartbeat`` every interval, on its own thread.

The back office keeps the latest heartbeat of each kiosk; a kiosk silent for a
few intervals shows as down in the operator's fleet view and ``/metrics``
(docs/fleet.md). What is sent: the software version, the devices' states, the
journal's backlog (entries not yet uploaded) and the uptime since this object
was made (the process start, in practice). Never personal data.

:meth:`Heartbeat.beat_now` sends the next beat at once (the journal became
unwritable, or writable again: the operator must see it now, docs/journal.md).

The heartbeat must never take the kiosk down with it: :meth:`Heartbeat.send_once`
raises the client's typed errors for a caller that wants them, but the thread
catches everything, logs a warning (the error code, nothing else) and tries
again at the next interval. Waits are bounded by the client's timeouts; give
the heartbeat a client of its own (a ``BackOfficeClient`` is used from one
thread at a time), e.g. with short timeouts and ``max_attempts=1``.

    beat = Heartbeat(client, interval_s=config.raw.get("heartbeat_interval_s", 60),
                     backlog=outbox.backlog, devices=lambda: {"reader": "ok"},
                     on_config_changed=lambda version: refetch_config())
    beat.start()
    ...
    beat.stop(timeout=2)
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Mapping

from . import __version__
from .backoffice_types import HeartbeatAnswer
from .errors import KioskError

log = logging.getLogger("kiosk.heartbeat")

#: the state of a source (devices or backlog) that raised instead of answering
SOURCE_ERROR = "error"


class Heartbeat:
    """Sends heartbeats through ``client`` (a :class:`~kiosk.backoffice_client.BackOfficeClient`).

    ``backlog`` and ``devices`` are called at each beat; if one raises, the beat
    still goes out, with that source reported as ``"error"`` among the devices
    (``journal`` for the backlog), so the operator sees the problem.
    ``on_config_changed(config_version)`` is called when an answer names a
    configuration version other than the one the kiosk holds (``config_version``
    at construction, then the last one seen).
    """

    def __init__(self, client, *, interval_s: float = 60,
                 backlog: Callable[[], int] = lambda: 0,
                 devices: Callable[[], Mapping[str, Any]] = dict,
                 version: str = __version__,
                 clock: Callable[[], float] = time.monotonic,
                 config_version: str | None = None,
                 on_config_changed: Callable[[str], None] | None = None):
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.client = client
        self.interval_s = float(interval_s)
        self._backlog = backlog
        self._devices = devices
        self.version = version
        self._clock = clock
        self._started_at = clock()
        self.on_config_changed = on_config_changed
        #: the configuration version the kiosk holds (None: none yet)
        self.config_version = config_version
        #: ``clock()`` at the last accepted heartbeat (None: none yet)
        self.last_ok_at: float | None = None
        #: the error code of the last failed heartbeat (None after a success)
        self.last_error_code: str | None = None
        self.sent = 0
        self.failed = 0
        self._stop = threading.Event()
        self._wake = threading.Event()   # stop() or beat_now(): end the wait at once
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one beat at a time (the client is single-threaded)
        self._last_backlog = 0

    # --- one beat ------------------------------------------------------------------
    @property
    def uptime_s(self) -> float:
        return max(0.0, self._clock() - self._started_at)

    def send_once(self) -> HeartbeatAnswer:
        """Send one heartbeat; returns the answer or raises a :class:`~kiosk.errors.KioskError`."""
        with self._lock:
            devices, backlog = self._collect()
            try:
                answer = self.client.heartbeat(software_version=self.version, devices=devices,
                                               journal_backlog=backlog, uptime_s=self.uptime_s)
            except KioskError as exc:
                self._failed(exc.code)
                raise
            except Exception as exc:  # a bug below the client: still a typed error out
                error = KioskError(f"heartbeat failed: {type(exc).__name__}")
                self._failed(error.code)
                raise error from exc
            if self.last_error_code is not None:
                log.info("heartbeat accepted again (after %s)", self.last_error_code)
            self.last_ok_at = self._clock()
            self.last_error_code = None
            self.sent += 1
        self._note_config(answer.config_version)
        return answer

    def _collect(self) -> tuple[dict, int]:
        try:
            devices = dict(self._devices())
        except Exception as exc:  # noqa: BLE001 - a broken source must not stop the beat
            log.warning("heartbeat: the device states are unavailable (%s)", type(exc).__name__)
            devices = {"devices": SOURCE_ERROR}
        try:
            backlog = int(self._backlog())
            if backlog < 0:
                raise ValueError("negative backlog")
            self._last_backlog = backlog
        except Exception as exc:  # noqa: BLE001
            log.warning("heartbeat: the journal backlog is unavailable (%s)", type(exc).__name__)
            devices.setdefault("journal", SOURCE_ERROR)   # a journal source's own state wins
            backlog = self._last_backlog
        return devices, backlog

    def _failed(self, code: str) -> None:
        self.failed += 1
        self.last_error_code = code
        log.warning("heartbeat not accepted: %s", code)

    def _note_config(self, version: str | None) -> None:
        if version is None or version == self.config_version:
            return
        self.config_version = version
        if self.on_config_changed is None:
            return
        try:
            self.on_config_changed(version)
        except Exception:  # noqa: BLE001 - the callback's failure is not the heartbeat's
            log.warning("heartbeat: the config-changed callback failed", exc_info=True)

    # --- the thread ------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "Heartbeat":
        """Beat now and then every ``interval_s`` on a daemon thread, until :meth:`stop`."""
        if self.running:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kiosk-heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask the thread to end and wait at most ``timeout`` s; True if it ended.

        A beat in flight finishes within the client's timeouts; the thread is a
        daemon, so it never holds the process open.
        """
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        if thread.is_alive():
            log.warning("heartbeat thread still busy after %.1f s (a beat in flight)", timeout)
            return False
        self._thread = None
        return True

    def beat_now(self) -> None:
        """Send the next beat now rather than at the end of the interval (a change the
        operator must see at once: the journal cannot be written). Returns at once."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.send_once()
            except Exception:  # noqa: BLE001 - logged in send_once; the thread goes on
                pass
            self._wake.wait(self.interval_s)

    def __enter__(self) -> "Heartbeat":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
