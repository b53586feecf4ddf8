"""Maintenance mode: the entry gesture, the technician's sign-in, and the maintenance screen.

:class:`MaintenanceMode` belongs to the controller. With the kiosk's
:class:`MaintenanceServices` (``KioskServices.maintenance``) it:

1. watches every touch for the entry gesture (:mod:`kiosk.maintenance.gesture`:
   hold the top-left corner 3 s, then tap the bottom-right and bottom-left ones);
2. ends the citizen's session, if any (journalled), and asks for the
   technician's account, PIN and one-time code (:mod:`ui.screens.maintenance_login`,
   :mod:`ui.maintenance.login`);
   the back office checks them (:class:`kiosk.maintenance.MaintenanceAccess`); when it
   cannot be reached, the kiosk's local code is asked instead; refusals and lockouts
   are said on the same screen;
3. shows the maintenance screen (:mod:`ui.screens.maintenance`): diagnostics
   (:mod:`kiosk.diagnostics`, :mod:`devices.diagnostics`) with the card reader test
   and the outbox replay, settings (:class:`kiosk.settings.SettingsStore`), recent log
   events and the diagnostics bundle to a USB stick (:mod:`kiosk.bundle`). Every
   action is journalled through :meth:`MaintenanceAccess.record`;
4. leaves on 退出维护, or by itself when the grant expires (15 minutes).

Network and device work runs on the mode's own worker thread, every job with a
deadline; the card watcher does not start citizen sessions meanwhile.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, QTimer

from ..card_worker import CardWorker
from .camera_page import CameraPreviewPage
from .diagnostics_page import DiagnosticsPage
from .gesture import GestureFilter
from .login import LoginPage
from .services import CARD_TEST_S, GRANT_POLL_MS, JOB_TIMEOUT_S, MaintenanceServices
from .settings_page import SettingsPage

if TYPE_CHECKING:
    from ..controller import KioskController

log = logging.getLogger(__name__)


class MaintenanceMode(LoginPage, CameraPreviewPage, DiagnosticsPage, SettingsPage, QObject):
    def __init__(self, ctl: "KioskController"):
        super().__init__(ctl)
        self.ctl = ctl
        self._worker: CardWorker | None = None
        self.grant: Any = None
        self.active = False
        self._filter: GestureFilter | None = None
        self._local = False
        self._large_before = False
        self._pending: Any = None          # the settings being edited
        self._preview: Any = None          # the camera preview of the diagnostics
        self._preview_seqs: list[tuple[float, int]] = []
        self._checks_running = 0            # diagnostics in flight: they use the camera
        self._preview_timer = QTimer(self)
        self._preview_timer.setInterval(33)
        self._preview_timer.timeout.connect(self._poll_preview)
        self._grant_timer = QTimer(self)
        self._grant_timer.setInterval(GRANT_POLL_MS)
        self._grant_timer.timeout.connect(self._check_grant)

    @property
    def worker(self) -> CardWorker:
        """The thread of maintenance's network and device work (started when first needed)."""
        if self._worker is None:
            self._worker = CardWorker("maintenance", self)
        return self._worker

    @property
    def services(self) -> MaintenanceServices | None:
        return self.ctl.services.maintenance

    def install_gesture(self, app) -> None:
        """Watch the application's touches for the entry gesture (the composition root)."""
        if self._filter is None:
            self._filter = GestureFilter(self, lambda: self.ctl.window.geometry(), self.open)
            app.installEventFilter(self._filter)

    def remove_gesture(self, app) -> None:
        if self._filter is not None:
            app.removeEventFilter(self._filter)
            self._filter = None

    def shutdown(self) -> None:
        self._grant_timer.stop()
        self._stop_preview()
        if self.active:
            self.leave("shutdown")
        if self._worker is not None:
            self._worker.shutdown()

    # --- the maintenance screen --------------------------------------------------------------
    def _record(self, action: str, **detail) -> None:
        svc = self.services
        if svc is None or self.grant is None:
            return
        try:
            svc.access.record(self.grant, action, **detail)
        except Exception as exc:  # noqa: BLE001 - an expired grant ends the visit
            log.info("maintenance: %s not recorded (%s)", action, type(exc).__name__)
            if getattr(exc, "code", "") == "MAINTENANCE_NOT_ACTIVE":
                self.leave("expired")

    def _job(self, fn: Callable[[], Any], done: Callable[[Any], None], what: str,
             timeout_s: float = JOB_TIMEOUT_S, *,
             finished: Callable[[], None] | None = None) -> None:
        """``fn`` on the worker; ``done(value)`` while still in maintenance; ``finished()``
        once it ended either way (even after the technician left)."""
        screen = self.ctl.window.maintenance

        def failed(exc: BaseException) -> None:
            from .. import maintenance_messages as messages

            if finished is not None:
                finished()
            code = getattr(exc, "code", type(exc).__name__)
            log.warning("maintenance: %s failed (%s)", what, code)
            self._record(what, result="failed", code=code)
            if self.active:
                screen.show_message(messages.maintenance_failed(what, code), "error")

        def succeeded(value: Any) -> None:
            if finished is not None:
                finished()
            if self.active:
                done(value)

        self.worker.submit(fn, on_success=succeeded, on_failure=failed, timeout_s=timeout_s)

    def _on_action(self, key: str) -> None:
        svc = self.services
        if svc is None or not self.active or self.grant is None:
            return
        screen = self.ctl.window.maintenance
        if key == "exit":
            self._record("exit_requested")
            self.leave("technician")
            return
        if key in ("diagnostics", "settings", "logs"):
            self._stop_preview()
            screen.show_page(key)
            screen.show_message("")
        if key in ("diagnostics", "rerun"):
            self._record("diagnostics")
            self._run_checks()
        elif key == "settings":
            self._record("settings_viewed")
            self._pending = svc.store.load() if svc.store is not None else None
            self._show_settings()
        elif key == "logs":
            self._record("logs_viewed")
            screen.show_events(list(svc.recent_events()))
        elif key == "card_test" and svc.card_test is not None:
            from .. import maintenance_messages as messages

            screen.show_card_report(messages.maintenance_insert_card())
            self._record("card_test")
            self._job(lambda: svc.card_test(CARD_TEST_S), self._card_tested, "card_test",
                      CARD_TEST_S + 15)
        elif key == "replay" and svc.replay is not None:
            self._record("replay")
            self._job(svc.replay, self._replayed, "replay")
        elif key == "camera_preview":
            self._toggle_preview()
        elif key == "speech_test":
            self._speech_test()
        elif key == "export":
            self._export()
        elif key == "save":
            self._save_settings()
