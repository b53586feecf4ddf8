"""What maintenance mode works with, and how a kiosk (production or demo) makes it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

JOB_TIMEOUT_S = 60.0
CARD_TEST_S = 30.0
GRANT_POLL_MS = 15_000


@dataclass
class MaintenanceServices:
    """What maintenance mode works with (the composition root builds it).

    ``checks()`` builds the diagnostics (kiosk and device checks, fresh each run);
    ``card_test(timeout_s)`` waits for a card in the kiosk's reader and reads it;
    ``replay()`` sends the outbox now (a :class:`kiosk.journal.ReplayReport`);
    ``export_bundle(dest)`` writes the bundle to ``dest`` and returns its path;
    ``usb_mounts()`` lists writable USB sticks; ``recent_events()`` the log's
    last lines (redacted); ``store`` the local settings and ``managed`` the names
    the back office sets.
    """

    access: Any
    checks: Callable[[], list] | None = None
    card_test: Callable[[float], Any] | None = None
    replay: Callable[[], Any] | None = None
    export_bundle: Callable[[Path], Path] | None = None
    usb_mounts: Callable[[], list[Path]] = lambda: []
    recent_events: Callable[[], list[str]] = lambda: []
    store: Any = None
    managed: frozenset[str] = frozenset()
    camera: Callable[[], Any] | None = None


def make_services(*, settings, client, journal, outbox, backend, store=None,
                  managed: frozenset[str] = frozenset(), camera: Callable[[], Any] | None = None,
                  usb_mounts: Callable[[], list[Path]] | None = None) -> MaintenanceServices:
    """The maintenance services of a kiosk (production and demo alike).

    ``settings`` the effective :class:`kiosk.settings.KioskSettings`; ``client`` a
    :class:`~kiosk.backoffice_client.BackOfficeClient` of maintenance's own (a client
    serves one thread at a time); ``backend`` the card readers; ``camera`` opens the
    camera (None: no camera on this kiosk).
    """
    from kiosk import bundle, diagnostics, logs
    from kiosk.maintenance import MaintenanceAccess

    from devices import diagnostics as device_diagnostics

    access = MaintenanceAccess(client, journal,
                               local_credential=settings.local_technician_credential)

    def readers() -> list[str]:
        return list(backend.readers())

    def reader_name() -> str:
        names = readers()
        if settings.reader and settings.reader in names:
            return settings.reader
        if not names:
            from kiosk.errors import NoReader

            raise NoReader("no card reader")
        return names[0]

    def checks() -> list:
        found = diagnostics.kiosk_checks(
            backoffice_url=settings.backoffice_url, journal_path=settings.journal_path(),
            data_dir=settings.data_dir, jurisdiction=settings.jurisdiction,
            ca_bundle=settings.backoffice_ca_bundle, client_cert=settings.client_certificate())
        return device_diagnostics.device_checks(camera() if camera is not None else None,
                                                backend=backend) + found

    def export(dest: Path) -> Path:
        report = bundle.device_report(settings, readers=readers)
        return bundle.export_bundle(dest, settings=settings, journal=journal,
                                    log_dir=settings.log_dir, device_report=report)

    return MaintenanceServices(
        access=access, checks=checks,
        card_test=lambda timeout_s: device_diagnostics.insert_card_test(
            reader_name(), timeout_s, backend=backend),
        replay=lambda: outbox.replay(client),
        export_bundle=export,
        usb_mounts=usb_mounts or bundle.find_usb_mounts,
        recent_events=lambda: logs.recent_events(settings.log_dir),
        store=store, managed=frozenset(managed), camera=camera)
