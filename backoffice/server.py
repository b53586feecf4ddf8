"""Running the reference back office: blocking, embedded, or from the command line.

- :func:`serve` blocks, serving one app with waitress (several threads);
- :class:`EmbeddedBackOffice` runs it on a loopback ephemeral port in a daemon
  thread (tests, ``kiosk card info`` without ``--backoffice``, the demo);
- :func:`serve_from_args` is what ``kiosk backoffice serve`` calls.

Waitress speaks plain HTTP: in production a TLS terminator (with the kiosks'
CA and optional client certificates) stands in front of it.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import waitress
from waitress import wasyncore

from .app import create_app, get_state
from .config import BackOfficeConfig, ConfigError

log = logging.getLogger("backoffice.server")

LOOPBACK = "127.0.0.1"


def _make_server(app, host: str, port: int, threads: int):
    return waitress.create_server(
        app, host=host, port=port, threads=threads, ident="ssc-backoffice",
        # waitress's own per-channel timeout; requests are short
        channel_timeout=60, cleanup_interval=10,
        clear_untrusted_proxy_headers=True,
    )


def serve(config: BackOfficeConfig, host: str = LOOPBACK, port: int = 8080, *,
          threads: int | None = None, ready: threading.Event | None = None) -> None:
    """Serve until interrupted (KeyboardInterrupt / SystemExit). Blocking."""
    app = create_app(config)
    server = _make_server(app, host, port, threads or config.threads)
    log.info("back office listening on http://%s:%s (jurisdiction %s%s)", host,
             server.effective_port, config.jurisdiction, ", DEMO MODE" if config.demo else "")
    if ready is not None:
        ready.set()
    try:
        server.run()
    finally:
        server.close()
        get_state(app).database.dispose()


class EmbeddedBackOffice:
    """The back office on ``127.0.0.1:<ephemeral port>`` in a daemon thread.

    ``with EmbeddedBackOffice() as bo: BackOfficeClient(bo.url, ...)``. Without a
    config: demo mode (test HSM keys, the demo kiosk pair) on a temporary SQLite
    file that is deleted at :meth:`stop`. :meth:`stop` returns within about 2 s.
    """

    def __init__(self, config: BackOfficeConfig | None = None, *, threads: int | None = None):
        self._tmpdir: tempfile.TemporaryDirectory | None = None
        if config is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="ssc-backoffice-")
            db_file = Path(self._tmpdir.name) / "backoffice.sqlite3"
            config = BackOfficeConfig.for_demo(db_url=f"sqlite:///{db_file}")
        self.config = config
        self._threads = threads or config.threads
        self.app = None
        self._server = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the embedded back office is not running")
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def state(self):
        """The app's shared state (config, clock, database, HSM), for tests."""
        return get_state(self.app)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "EmbeddedBackOffice":
        if self._server is not None:
            return self
        try:
            self.app = create_app(self.config)
            self._server = _make_server(self.app, LOOPBACK, 0, self._threads)
        except BaseException:
            self._cleanup()
            raise
        self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._server.run, name="backoffice-embedded",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        server, thread = self._server, self._thread
        if server is None:
            self._cleanup()
            return
        deadline = time.monotonic() + timeout
        sock_map = server._map

        def _close_everything():
            wasyncore.close_all(sock_map, ignore_all=True)

        try:
            # closing runs on the loop's own thread; the loop ends when its map is empty
            server.trigger.pull_trigger(_close_everything)
        except OSError:
            pass
        if thread is not None:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                log.warning("the embedded back office's loop did not stop in time")
        server.task_dispatcher.shutdown(cancel_pending=True,
                                        timeout=max(0.1, deadline - time.monotonic()))
        self._server = None
        self._thread = None
        self._cleanup()

    def _cleanup(self) -> None:
        if self.app is not None:
            try:
                get_state(self.app).database.dispose()
            except Exception:  # pragma: no cover - best effort
                log.exception("could not close the embedded back office's database")
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> "EmbeddedBackOffice":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.port else "stopped"
        return f"EmbeddedBackOffice({where}, demo={self.config.demo})"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_from_args(db: str | None = None, host: str = LOOPBACK, port: int = 8080,
                    jurisdiction: str | None = None, demo: bool = False) -> int:
    """``kiosk backoffice serve [--db URL] [--host] [--port] [--jurisdiction] [--demo]``.

    Other settings (kiosks, HSM keys) come from the environment, see
    :meth:`BackOfficeConfig.from_env`. Returns the process exit status.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the server's own lines (access log, SMS codes in demo mode) at INFO, even when the
    # command line set the root logger to ERROR
    own = logging.getLogger("backoffice")
    if own.getEffectiveLevel() > logging.INFO:
        own.setLevel(logging.INFO)
    try:
        config = BackOfficeConfig.from_env(db_url=db, jurisdiction=jurisdiction,
                                           demo=True if demo else None)
        config.validate()
    except ConfigError as exc:
        print(f"backoffice: refusing to start: {exc}", file=sys.stderr)
        return 2
    if not _is_loopback(host):
        log.warning("serving plain HTTP on %s: put a TLS terminator in front of it", host)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_system_exit)
    try:
        serve(config, host=host, port=port)
    except ConfigError as exc:
        print(f"backoffice: refusing to start: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"backoffice: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


def _raise_system_exit(_signum, _frame):
    raise SystemExit(0)
