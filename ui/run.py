"""``kiosk run``: the production kiosk, from its settings file to the full-screen window.

:func:`run_kiosk` reads the settings (``--settings``, else ``$SSC_KIOSK_SETTINGS``,
else ``/etc/ssc-kiosk/settings.json``), starts the rotating log in ``log_dir``,
builds the kiosk with :func:`build_production_app`, shows it full screen and
runs the Qt loop. :func:`build_production_app` is the part tests drive: it

1. reads the kiosk's secret from ``secret_file`` and opens the journal and the
   outbox in ``data_dir`` (closing the attempts a previous process left open); a
   damaged journal is moved aside and a fresh one started, a journal that cannot
   be written makes the kiosk start out of service (docs/journal.md);
2. asks the back office for its managed settings (``GET /v1/kiosks/config``)
   with a bounded timeout; when it cannot answer, the kiosk runs on its local
   settings and the journal says so (``settings_managed``: ``config_unavailable``);
3. loads the rule pack of the effective jurisdiction, makes the back-office
   client (CA bundle, client certificate), the camera factory, and the PC/SC
   reader backend and watcher (or the ones injected: tests use the in-process
   emulated readers), limited to the configured reader when one is named;
4. builds the window with ``ui.app.build_app`` and starts the outbox replayer.

Importing this module does nothing: no Qt application, no files, no network.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from kiosk.errors import JournalUnavailable, KioskError, NoReader
from kiosk.settings import KioskSettings, SettingsInvalid, settings_path
from kiosk.settings_checks import read_secret, validate
from kiosk.settings_managed import (EffectiveSettings, apply_managed, journal_config_unavailable,
                                    local_only)
from kiosk.settings_store import SettingsStore

log = logging.getLogger("ui.run")

#: how long the start-up waits for the back office's managed settings
CONFIG_TIMEOUT_S = 5.0
#: the outbox replays due requests this often
REPLAY_INTERVAL_S = 60.0
# how often the fleet heartbeat goes (the reference back office counts a kiosk down after 3)
HEARTBEAT_INTERVAL_S = 60.0
#: what the kiosk needs from its local settings before it can even ask the back office
CONNECTION_FIELDS = ("kiosk_id", "backoffice_url", "backoffice_ca_bundle", "client_cert",
                     "client_key", "secret_file", "data_dir", "log_dir")

NO_DISPLAY = ("kiosk run: no display found (DISPLAY / WAYLAND_DISPLAY unset). The kiosk "
              "runs under its X session; for a headless check set QT_QPA_PLATFORM=offscreen "
              "and pass --quit-after SECONDS.")


class OneReader:
    """A reader backend and watcher that see only the reader named in the settings.

    For a kiosk with a second reader it must not serve (a staff reader, a SAM
    slot): events and connections of other readers are ignored.
    """

    def __init__(self, backend, watcher, name: str):
        self._backend = backend
        self._watcher = watcher
        self.name = name

    def readers(self) -> list[str]:
        return [r for r in self._backend.readers() if r == self.name]

    def has_card(self, reader: str) -> bool:
        return reader == self.name and self._backend.has_card(reader)

    def connect(self, reader: str):
        if reader != self.name:
            raise NoReader(f"reader {reader!r} is not the kiosk's reader")
        return self._backend.connect(reader)

    def close(self) -> None:
        close = getattr(self._backend, "close", None)
        if close is not None:
            close()

    def subscribe(self, callback):
        def only_ours(event) -> None:
            if event.reader in ("", self.name):    # service events have no reader
                callback(event)
        return self._watcher.subscribe(only_ours)

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        self._watcher.stop()


@dataclass(eq=False)
class ProductionKiosk:
    """The running kiosk's parts, for the maintenance screens and a clean shutdown."""

    window: Any
    effective: EffectiveSettings
    store: SettingsStore | None
    journal: Any
    outbox: Any
    client: Any
    services: Any
    backend: Any
    watcher: Any
    replayer: Any = None
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def settings(self) -> KioskSettings:
        return self.effective.settings

    def close(self) -> None:
        """Stop the window, the replayer, the clients and the journal (idempotent)."""
        from .app import teardown

        if self.window is not None:
            teardown(self.window)
            self.window.close()
            self.window.deleteLater()
            self.window = None
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception:  # noqa: BLE001 - close everything else anyway
                log.warning("closing a part of the kiosk failed", exc_info=True)


def _client(settings: KioskSettings, secret: str, **timeouts):
    from kiosk.backoffice_client import BackOfficeClient

    return BackOfficeClient(settings.backoffice_url, settings.kiosk_id, secret,
                            ca_bundle=settings.backoffice_ca_bundle or None,
                            client_cert=settings.client_certificate(), **timeouts)


def fetch_managed(local: KioskSettings, secret: str, *, journal=None,
                  timeout_s: float = CONFIG_TIMEOUT_S) -> EffectiveSettings:
    """The effective settings: ``local`` with the back office's managed settings over them.

    One try, within about ``timeout_s``; on any failure the local settings,
    with the failure journalled.
    """
    try:
        with _client(local, secret, connect_timeout=min(timeout_s, 3.0), read_timeout=timeout_s,
                     deadline_s=timeout_s, max_attempts=1) as client:
            config = client.kiosk_config()
    except Exception as exc:  # noqa: BLE001 - the kiosk runs on its local settings
        journal_config_unavailable(journal, exc)
        return local_only(local)
    return apply_managed(local, config, journal=journal)


def camera_factory(settings: KioskSettings) -> Callable[[], Any] | None:
    """What opens the camera of the ``camera`` setting (None: no camera)."""
    source = settings.camera_source()
    if source is None:
        return None
    if source == "synthetic":
        from devices.camera.scene import synthetic_camera

        return synthetic_camera

    def open_camera():
        from devices.camera import OpenCvCamera

        return OpenCvCamera(source)
    return open_camera


def _require(settings: KioskSettings, fields: tuple[str, ...] | None = None) -> None:
    problems = [p for p in validate(settings) if fields is None or p.field in fields]
    if problems:
        raise SettingsInvalid(problems)


def build_production_app(local: KioskSettings, *, store: SettingsStore | None = None,
                         backend=None, watcher=None, speaker: Any = "default",
                         config_timeout_s: float = CONFIG_TIMEOUT_S,
                         replay_interval_s: float = REPLAY_INTERVAL_S,
                         heartbeat_interval_s: float = HEARTBEAT_INTERVAL_S,  # 0: none
                         start: bool = True) -> ProductionKiosk:
    """Build the production kiosk from its local settings (see the module doc).

    ``backend``/``watcher``: the card readers (default: PC/SC through pcscd);
    ``speaker``: a :class:`ui.speech.Speaker`, None for no speech, or "default"
    (espeak-ng). Raises :class:`SettingsInvalid` when the local settings cannot
    reach the back office or the effective ones fail validation. The window is
    built, not shown (:func:`ui.app.show_kiosk`); ``window.production`` is the
    returned :class:`ProductionKiosk`.
    """
    from kiosk.backoffice_client import hsm_step
    from kiosk.journal import Outbox, Replayer
    from kiosk.journal.health import probe
    from kiosk.journal.recovery import open_journal
    from kiosk.policies import load_pack

    from .app import build_app
    from .controller import KioskServices
    from .settings_bridge import ui_language, ui_settings, ui_theme

    _require(local, CONNECTION_FIELDS)
    secret = read_secret(local)
    closers: list[Callable[[], None]] = []
    try:
        os.makedirs(local.data_dir, exist_ok=True)
        # a damaged journal is moved aside and a fresh one started (kiosk.journal.recovery)
        journal, _replaced = open_journal(local.journal_path(), kiosk_id=local.kiosk_id)
        closers.append(journal.close)
        try:
            interrupted = journal.close_interrupted()
            if interrupted:
                log.warning("%d attempt(s) left open by the previous run closed", interrupted)
        except JournalUnavailable:
            pass    # a full disk: they are closed at a start that can write
        probe(journal)    # the UI starts out of service when the journal cannot be written
        if store is not None and store.journal is None:
            store.journal = journal
        effective = fetch_managed(local, secret, journal=journal, timeout_s=config_timeout_s)
        _require(effective.settings)
        s = effective.settings
        outbox = Outbox(journal, kiosk_id=s.kiosk_id)
        client = _client(s, secret)
        closers.append(client.close)
        services = KioskServices(client=client, pack=load_pack(s.jurisdiction), journal=journal,
                                 outbox=outbox, camera=camera_factory(s))
        if backend is None or watcher is None:
            from devices.card.pcsc import PcscBackend
            from devices.card.watcher import PcscWatcher

            backend, watcher = PcscBackend(), PcscWatcher()
            closers.append(backend.close)
        if s.reader:
            backend = watcher = OneReader(backend, watcher, s.reader)
        if speaker == "default":
            from .speech import Speaker

            speaker = Speaker()
        # maintenance mode and the fleet heartbeat: clients of their own (one thread each)
        from kiosk.heartbeat import Heartbeat

        from .maintenance import make_services

        maintenance_client = _client(s, secret)
        closers.append(maintenance_client.close)
        services.maintenance = make_services(settings=s, client=maintenance_client,
                                             journal=journal, outbox=outbox, backend=backend,
                                             store=store, managed=frozenset(effective.managed),
                                             camera=services.camera)
        if heartbeat_interval_s > 0:
            heartbeat_client = _client(s, secret)
            closers.append(heartbeat_client.close)
            # the back office's interval when it gives one (it counts 3 missed as down)
            interval = effective.heartbeat_interval_s or heartbeat_interval_s
            heartbeat = Heartbeat(heartbeat_client, interval_s=interval,
                                  backlog=outbox.backlog,
                                  devices=lambda: _device_health(backend, services.camera,
                                                                 journal),
                                  config_version=effective.config_version).start()
            closers.append(heartbeat.stop)
            # the journal cannot be written (or can again): the fleet hears it at once
            closers.append(journal.health.subscribe(lambda _trouble: heartbeat.beat_now()))
        window = build_app(backend, watcher, hsm_step(client), settings=ui_settings(s),
                           theme=ui_theme(s), services=services, speaker=speaker,
                           language=ui_language(s), start=start)
        replayer = None
        if replay_interval_s > 0:
            # a client of its own: a client serves one thread at a time
            replay_client = _client(s, secret)
            closers.append(replay_client.close)
            replayer = Replayer(outbox, replay_client, interval_s=replay_interval_s).start()
            closers.append(replayer.stop)
    except BaseException:
        for closer in reversed(closers):
            try:
                closer()
            except Exception:  # noqa: BLE001
                pass
        raise
    kiosk = ProductionKiosk(window=window, effective=effective, store=store, journal=journal,
                            outbox=outbox, client=client, services=services, backend=backend,
                            watcher=watcher, replayer=replayer, _closers=closers)
    window.production = kiosk
    log.info("kiosk %s built: jurisdiction %s, managed settings: %s", s.kiosk_id, s.jurisdiction,
             ", ".join(sorted(effective.managed)) or "none")
    return kiosk


def _device_health(backend, camera, journal=None) -> dict[str, Any]:
    """The heartbeat's ``devices``: "ok" or what is wrong (the fleet page shows the rest);
    the journal's state is :func:`kiosk.journal.health.fleet_report`."""
    try:
        readers = list(backend.readers())
        card = "ok" if readers else "no_reader"
    except Exception as exc:  # noqa: BLE001 - pcscd down is a state to report
        card = f"error:{type(exc).__name__}"
    health = {"card_reader": card}
    if camera is not None:
        health["camera"] = "ok"         # configured; kiosk diag measures it
    if journal is not None:
        from kiosk.journal.health import fleet_report

        health["journal"] = fleet_report(journal)
    return health


def _install_watchdog(app, window) -> None:
    try:
        from .watchdog import install_watchdog
    except ImportError:
        return
    install_watchdog(app, window)


def run_kiosk(settings_file: str | None = None, *, windowed: bool = False,
              quit_after: float | None = None) -> int:
    """Run the production kiosk until it quits; the exit status (1: settings, 2: no display)."""
    from .demo import display_available

    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from kiosk.logs import close_logging, setup_logging

    store = SettingsStore(settings_path(settings_file))
    local = store.load()
    bad_logs = [p for p in validate(local) if p.field == "log_dir"]
    handler = None if bad_logs else setup_logging(local.log_dir)
    try:
        _require(local, CONNECTION_FIELDS)     # before any window: say what to fix
        return _run(store, local, windowed=windowed, quit_after=quit_after)
    except SettingsInvalid as exc:
        print(f"kiosk run: the settings in {store.path} are not valid:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    finally:
        if handler is not None:
            close_logging(handler)


def _run(store: SettingsStore, local: KioskSettings, *, windowed: bool,
         quit_after: float | None) -> int:
    from PySide6.QtCore import QObject, QTimer

    from .app import ensure_application, show_kiosk

    app = ensure_application([sys.argv[0]] if sys.argv else ["kiosk"])
    kiosk = build_production_app(local, store=store)
    try:
        show_kiosk(kiosk.window, windowed=windowed)
        _install_watchdog(app, kiosk.window)
        if quit_after is not None:
            # exit(), not quit(): quit() would ask the locked window to close
            QTimer.singleShot(int(quit_after * 1000), lambda: app.exit(0))
        quit_on_close = app.lastWindowClosed.connect(app.quit)
        try:
            status = app.exec()
        finally:
            QObject.disconnect(quit_on_close)
    finally:
        kiosk.close()
    return int(status)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kiosk run", description="run the kiosk (production)")
    p.add_argument("--settings", metavar="PATH",
                   help="the settings file (default: $SSC_KIOSK_SETTINGS, else "
                        "/etc/ssc-kiosk/settings.json)")
    p.add_argument("--windowed", action="store_true", help="a framed window (development)")
    p.add_argument("--quit-after", type=float, metavar="SECONDS",
                   help="quit after this many seconds (headless checks)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        return run_kiosk(args.settings, windowed=args.windowed, quit_after=args.quit_after)
    except KioskError as exc:
        print(f"kiosk run: {exc}", file=sys.stderr)
        return 1


__all__ = ["CONFIG_TIMEOUT_S", "OneReader", "ProductionKiosk", "build_production_app",
           "camera_factory", "fetch_managed", "main", "run_kiosk"]
