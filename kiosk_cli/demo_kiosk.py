"""The kiosk's services on the reference back office: for ``kiosk demo``, ``kiosk tour`` and tests.

:class:`DemoKiosk` starts the embedded reference back office for one
jurisdiction (demo mode: test HSM keys, the demo kiosk pair, the demo people
of ``backoffice/demo_data.py``), and gives what the UI needs:

- ``client``: a :class:`~kiosk.backoffice_client.BackOfficeClient` for the demo kiosk;
- ``hsm``: the card-authentication step, with an off switch;
- ``services``: :class:`~ui.controller.KioskServices` with the jurisdiction's
  rule pack, a journal and an outbox in a temporary directory, and a
  synthetic camera (a citizen before a white wall) for the photo and the face check;
- ``sms``: every SMS code the back office "sent" (the demo panel shows the
  last one: there is no phone in a demo);
- :meth:`set_offline`: the back office unreachable (a closed loopback port,
  a real connection refused), and back.
"""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path
from typing import Callable

from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET

# the demo's jurisdiction: Hubei offers every service at the kiosk
DEMO_JURISDICTION = "hubei"


def _dead_url() -> str:
    with socket.socket() as s:           # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


class SwitchableHsm:
    """The back office's HSM step with an off switch ("back office down" in the demo)."""

    def __init__(self, step: Callable):
        self._step = step
        self.offline = False

    def __call__(self, request):
        if self.offline:
            from kiosk.errors import BackOfficeUnavailable

            raise BackOfficeUnavailable("the back office is offline (demo switch)")
        return self._step(request)


class DemoKiosk:
    def __init__(self, jurisdiction: str = DEMO_JURISDICTION, *, connect_timeout: float = 2.0,
                 max_attempts: int = 2, office=None):
        """``office``: a back office already running elsewhere (its ``url``, ``stop()`` and
        an ``sms`` with ``last_code()``, e.g. bench/soak.py's in a process of its own)
        instead of the embedded one."""
        self.jurisdiction = jurisdiction
        self._given_office = office
        self._connect_timeout = connect_timeout
        self._max_attempts = max_attempts
        self.office = None
        self.client = None
        self.hsm: SwitchableHsm | None = None
        self.services = None
        self.sms = None
        self.offline = False
        self.last_camera = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._url = ""

    def __enter__(self) -> "DemoKiosk":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "DemoKiosk":
        from backoffice.config import BackOfficeConfig
        from backoffice.server import EmbeddedBackOffice
        from backoffice.testing import CapturingSms
        from kiosk.backoffice_client import BackOfficeClient, hsm_step
        from kiosk.journal import Journal, Outbox
        from kiosk.policies import load_pack

        from ui.controller import KioskServices

        self._tmp = tempfile.TemporaryDirectory(prefix="ssc-demo-kiosk-")
        tmp = Path(self._tmp.name)
        if self._given_office is not None:
            self.office = self._given_office
            self.sms = self.office.sms
        else:
            config = BackOfficeConfig.for_demo(
                db_url=f"sqlite:///{tmp / 'backoffice.sqlite3'}", jurisdiction=self.jurisdiction)
            self.office = EmbeddedBackOffice(config).start()
            self.sms = CapturingSms()
            self.office.state.sms = self.sms
        self._url = self.office.url
        self.client = BackOfficeClient(self._url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                                       connect_timeout=self._connect_timeout,
                                       max_attempts=self._max_attempts)
        self.hsm = SwitchableHsm(hsm_step(self.client))
        journal = Journal(tmp / "journal.sqlite3", kiosk_id=DEMO_KIOSK_ID)
        outbox = Outbox(journal, kiosk_id=DEMO_KIOSK_ID, first_delay_s=0.2, max_tries=3)
        self.services = KioskServices(client=self.client, pack=load_pack(self.jurisdiction),
                                      journal=journal, outbox=outbox,
                                      camera=self.camera)
        return self

    def enable_maintenance(self, backend) -> None:
        """Maintenance mode for the demo (the entry gesture, then T0001 with its PIN and the
        one-time code the demo panel shows; offline, the local code 582947), on the card
        readers ``backend`` (made by whoever runs the demo)."""
        from kiosk.backoffice_client import BackOfficeClient
        from kiosk.maintenance import DEMO_LOCAL_CODE, hash_local_credential
        from kiosk.settings import KioskSettings
        from kiosk.settings_store import SettingsStore

        from ui.maintenance import make_services

        tmp = Path(self._tmp.name)
        secret = tmp / "secret"
        secret.write_text(DEMO_KIOSK_SECRET, encoding="utf-8")
        (tmp / "logs").mkdir(exist_ok=True)
        usb = tmp / "demo-usb-stick"
        usb.mkdir(exist_ok=True)
        settings = KioskSettings(kiosk_id=DEMO_KIOSK_ID, backoffice_url=self._url,
                                 secret_file=str(secret), jurisdiction=self.jurisdiction,
                                 camera="synthetic", data_dir=str(tmp), log_dir=str(tmp / "logs"),
                                 local_technician_credential=hash_local_credential(
                                     DEMO_LOCAL_CODE))
        journal = self.services.journal
        store = SettingsStore(tmp / "settings.json", journal)
        store.save(settings, actor="install")
        self.maintenance_client = BackOfficeClient(self._url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                                                   connect_timeout=self._connect_timeout,
                                                   max_attempts=self._max_attempts)
        self.usb_stick = usb
        self.services.maintenance = make_services(
            settings=settings, client=self.maintenance_client, journal=journal,
            outbox=self.services.outbox, backend=backend, store=store, camera=self.camera,
            usb_mounts=lambda: [usb])

    def technician_code(self, account: str = "T0001") -> tuple[str, str, str]:
        """A demo technician's account, PIN and current one-time code (the demo has no phone)."""
        import time

        from backoffice.demo_technicians import TECHNICIANS
        from kiosk import totp

        t = TECHNICIANS[account]
        return account, t.pin, totp.totp(t.totp_secret, time.time())

    def camera(self):
        """A new synthetic camera (each preview opens its own); the last one is ``last_camera``
        (the demo panel and the tests unplug it)."""
        from devices.camera.scene import synthetic_camera

        self.last_camera = synthetic_camera()
        return self.last_camera

    def last_sms_code(self) -> str | None:
        try:
            return self.sms.last_code()
        except LookupError:
            return None

    def set_offline(self, on: bool) -> None:
        """The back office unreachable (connection refused), or back."""
        self.offline = on
        if self.hsm is not None:
            self.hsm.offline = on
        for client in (self.client, getattr(self, "maintenance_client", None)):
            if client is not None:
                client.base_url = _dead_url() if on else self._url

    def stop(self) -> None:
        if getattr(self, "maintenance_client", None) is not None:
            self.maintenance_client.close()
        if self.client is not None:
            self.client.close()
        if self.services is not None and self.services.journal is not None:
            self.services.journal.close()
        if self.office is not None:
            self.office.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
