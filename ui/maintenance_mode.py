"""Maintenance mode: the entry gesture, the technician's sign-in, and the maintenance screen.

:class:`MaintenanceMode` belongs to the controller. With the kiosk's
:class:`MaintenanceServices` (``KioskServices.maintenance``) it:

1. watches every touch for the entry gesture (:mod:`kiosk.maintenance.gesture`:
   hold the top-left corner 3 s, then tap the bottom-right and bottom-left ones);
2. ends the citizen's session, if any (journalled), and asks for the
   technician's account, PIN and one-time code (:mod:`ui.screens.maintenance_login`);
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

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, QObject, QTimer

from .card_worker import CardWorker

if TYPE_CHECKING:
    from .controller import KioskController

log = logging.getLogger(__name__)

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


class _GestureFilter(QObject):
    """Feeds every press, move and release on the kiosk window to the gesture recogniser."""

    KINDS = {QEvent.Type.MouseButtonPress: "down", QEvent.Type.MouseMove: "move",
             QEvent.Type.MouseButtonRelease: "up", QEvent.Type.TouchBegin: "down",
             QEvent.Type.TouchUpdate: "move", QEvent.Type.TouchEnd: "up",
             QEvent.Type.TouchCancel: "cancel"}

    def __init__(self, mode: "MaintenanceMode"):
        super().__init__(mode)
        self.mode = mode
        self._gesture = None
        self._last: tuple | None = None
        self._swallowing = False

    @property
    def gesture(self):
        if self._gesture is None:       # imported with the first touch, not at start-up
            from kiosk.maintenance.gesture import EntryGesture

            self._gesture = EntryGesture()
        return self._gesture

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = self.KINDS.get(event.type())
        if kind is None or not hasattr(event, "globalPosition"):
            return False
        if event.type() == QEvent.Type.MouseMove and not event.buttons():
            return False
        points = event.points() if hasattr(event, "points") else ()
        pos = points[0].globalPosition() if points else event.globalPosition()
        # once per touch: a press a widget ignores goes on to its parents (and a window's
        # event becomes a widget's), each delivery passing this filter with the same stamp
        key = (kind, event.timestamp(), round(pos.x()), round(pos.y()))
        if key == self._last:
            return self._swallowing
        self._last = key
        geo = self.mode.ctl.window.geometry()
        if geo.width() <= 0 or geo.height() <= 0:
            return False
        x = (pos.x() - geo.x()) / geo.width()
        y = (pos.y() - geo.y()) / geo.height()
        now = time.monotonic()
        if kind == "down":
            # after the hold, a corner tap is the gesture's, not the button's under it
            self._swallowing = self.gesture.armed(now) and self.gesture.in_corner(x, y)
        if self.gesture.feed((now, x, y, kind)):
            self.gesture.reset()
            QTimer.singleShot(0, self.mode.open)
        swallow = self._swallowing
        if kind in ("up", "cancel"):
            self._swallowing = False
        return swallow


class MaintenanceMode(QObject):
    def __init__(self, ctl: "KioskController"):
        super().__init__(ctl)
        self.ctl = ctl
        self._worker: CardWorker | None = None
        self.grant: Any = None
        self.active = False
        self._filter: _GestureFilter | None = None
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
            self._filter = _GestureFilter(self)
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

    # --- entering ------------------------------------------------------------------------
    def open(self) -> None:
        """The gesture was made: end the citizen's session, ask for the credentials."""
        svc = self.services
        if svc is None or self.active:
            return
        self.active = True
        log.info("maintenance: entry gesture")
        ctl = self.ctl
        if ctl.session is not None:
            ctl._end_session(show_attract=False, ending="maintenance")
        try:
            svc.access.gesture_recognised()
        except Exception:  # noqa: BLE001 - the journal must not stop the technician
            log.exception("maintenance: the gesture could not be journalled")
        self._local = False
        # the technician's screens in the standard text size (长辈版 is the citizen's)
        from . import theme
        from .app import switch_theme

        self._large_before = theme.current().large
        if self._large_before:
            switch_theme(ctl.window, large=False)
        self._show_login(None)

    def _show_login(self, message) -> None:
        screen = self.ctl.window.maintenance_login
        self._wire_login(screen)
        if self._local:
            screen.start_local(message)
        else:
            screen.start(message)
        self.ctl.window.show_screen(screen)

    def _wire_login(self, screen) -> None:
        if getattr(screen, "_maintenance_wired", False):
            return
        screen._maintenance_wired = True
        screen.submitted.connect(self._on_credentials)
        screen.cancelRequested.connect(lambda: self.leave("cancelled"))

    def _on_credentials(self, account: str, pin, otp: str) -> None:
        svc = self.services
        if svc is None or not self.active:
            pin.wipe()
            return
        self.ctl.show_busy()
        self.worker.submit(lambda: svc.access.enter(account, pin, otp or None),
                           on_success=self._entered, on_failure=self._refused,
                           timeout_s=JOB_TIMEOUT_S)

    def _refused(self, exc: BaseException) -> None:
        from kiosk import errors

        from . import maintenance_messages as messages

        if not self.active:
            return
        code = getattr(exc, "code", type(exc).__name__)
        log.info("maintenance: entry refused (%s)", code)
        if isinstance(exc, errors.BackOfficeUnavailable) and not self._local:
            self._local = True
            self._show_login(messages.maintenance_offline)
        elif isinstance(exc, errors.MaintenanceLocked):
            until = getattr(exc, "locked_until", None)
            self._show_login(lambda: messages.maintenance_locked(until))
        else:
            self._show_login(messages.maintenance_refused)

    def _entered(self, grant) -> None:
        if not self.active:
            return
        self.grant = grant
        log.info("maintenance: entered (%s)", grant.via)
        screen = self.ctl.window.maintenance
        if not getattr(screen, "_maintenance_wired", False):
            screen._maintenance_wired = True
            screen.actionRequested.connect(self._on_action)
            screen.settingChanged.connect(self._on_setting)
        from . import maintenance_messages as messages

        screen.set_technician(grant.account + (messages.maintenance_local_account()
                                               if grant.via == "local" else ""))
        screen.show_message("")
        screen.show_card_report("")
        self._grant_timer.start()
        self.ctl.window.show_screen(screen)
        self._on_action("diagnostics")

    def _check_grant(self) -> None:
        svc = self.services
        if self.active and self.grant is not None and svc is not None \
                and svc.access.current is None:
            self.leave("expired")

    # --- leaving ---------------------------------------------------------------------------
    def leave(self, reason: str = "technician") -> None:
        self._stop_preview()
        svc = self.services
        grant, self.grant = self.grant, None
        self._grant_timer.stop()
        self._pending = None
        if grant is not None and svc is not None:
            try:
                svc.access.exit(grant, reason=reason)
            except Exception:  # noqa: BLE001
                log.exception("maintenance: the exit could not be journalled")
        was = self.active
        self.active = False
        if "maintenance_login" in self.ctl.window._built:
            self.ctl.window.maintenance_login.wipe()
        if was:
            log.info("maintenance: left (%s)", reason)
            if self._large_before and reason != "shutdown":
                from .app import switch_theme

                switch_theme(self.ctl.window, large=True)
            self._large_before = False
            self.ctl._render_attract()

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
            from . import maintenance_messages as messages

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
            from . import maintenance_messages as messages

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

    # --- the camera preview and the speech test -----------------------------------------------
    def _toggle_preview(self) -> None:
        from . import messages

        if self._preview is not None:
            self._stop_preview()
            self._record("camera_preview", result="stopped")
            return
        if self._checks_running:
            return      # the camera check has the camera (the button is disabled meanwhile)
        svc = self.services
        if svc.camera is None:
            self._record("camera_preview", result="no_camera")
            self.ctl.window.maintenance.show_message(messages.camera_problem("CAMERA_MISSING"),
                                                     "error")
            return
        from devices.camera.preview import LivePreview

        self._record("camera_preview", result="started")
        self._preview = LivePreview(svc.camera(), hold_s=float("inf")).start()
        self._preview_seqs = []
        self._preview_timer.start()

    def _poll_preview(self) -> None:
        from . import messages

        preview = self._preview
        screen = self.ctl.window.maintenance
        if preview is None:
            self._preview_timer.stop()
            return
        if preview.error is not None:
            code = getattr(preview.error, "code", "CAMERA_ERROR")
            self._stop_preview()
            self._record("camera_preview", result="failed", code=code)
            screen.show_message(messages.camera_problem(code), "error")
            return
        snap = preview.snapshot()
        if snap is None:
            return
        now = time.monotonic()
        if not self._preview_seqs or self._preview_seqs[-1][1] != snap.seq:
            self._preview_seqs = [p for p in self._preview_seqs if now - p[0] <= 1.0]
            self._preview_seqs.append((now, snap.seq))
        (t0, s0), (t1, s1) = self._preview_seqs[0], self._preview_seqs[-1]
        fps = (s1 - s0) / (t1 - t0) if t1 > t0 else None
        screen.show_camera(snap, fps)

    def _stop_preview(self) -> None:
        self._preview_timer.stop()
        preview, self._preview = self._preview, None
        if preview is not None:
            preview.stop(timeout=0.5)
            preview.wipe()
        if "maintenance" in self.ctl.window._built:
            self.ctl.window.maintenance.show_camera(None, None)

    def _speech_test(self) -> None:
        from . import i18n, maintenance_messages as messages

        speaker = self.ctl.speaker
        if speaker is None:
            self._record("speech_test", result="no_speaker")
            self.ctl.window.maintenance.show_message(messages.maintenance_no_speech(), "error")
            return
        spoken = speaker.say(messages.maintenance_speech_sample(), i18n.current_language(),
                             even_when_off=True)
        self._record("speech_test", result="spoken" if spoken else "refused")

    def _run_checks(self) -> None:
        svc = self.services
        if svc.checks is None:
            return
        from kiosk.diagnostics import run_checks

        screen = self.ctl.window.maintenance
        from . import maintenance_messages as messages

        # One user of the camera at a time: the camera check opens the camera itself, so
        # the preview ends first and cannot start until the checks are done (two opens of
        # one device: "camera busy" in the check or the preview).
        self._stop_preview()
        self._checks_running += 1
        screen.set_checking(True)

        def finished() -> None:
            self._checks_running -= 1
            screen.set_checking(self._checks_running > 0)

        screen.show_message(messages.maintenance_checking())
        self._job(lambda: run_checks(svc.checks()), self._checked, "diagnostics",
                  finished=finished)

    def _checked(self, results) -> None:
        from .screens.maintenance import CheckRow

        screen = self.ctl.window.maintenance
        screen.show_checks([CheckRow(r.status, r.name, r.summary) for r in results])
        failing = [r.name for r in results if r.status == "fail"]
        self._record("diagnostics_result", failing=failing)
        from . import maintenance_messages as messages

        screen.show_message(messages.maintenance_checked(len(results), len(failing)),
                            "error" if failing else "info")

    def _card_tested(self, result) -> None:
        detail = dict(getattr(result, "detail", {}) or {})
        lines = [f"{result.status.upper()}  {result.summary}"]
        if detail.get("atr"):
            lines.append(f"ATR {detail['atr']}")
        for k, v in (detail.get("card") or {}).items():
            lines.append(f"{k}: {v}")
        lines += list(detail.get("trace") or [])
        self.ctl.window.maintenance.show_card_report("\n".join(lines))
        self._record("card_test_result", status=result.status)

    def _replayed(self, report) -> None:
        from . import maintenance_messages as messages

        delivered = len(getattr(report, "delivered", []) or [])
        pending = len(getattr(report, "still_pending", []) or [])
        self._record("replay_result", delivered=delivered, still_pending=pending)
        self.ctl.window.maintenance.show_message(messages.maintenance_replayed(delivered, pending))

    def _export(self) -> None:
        from . import maintenance_messages as messages

        svc = self.services
        screen = self.ctl.window.maintenance
        mounts = list(svc.usb_mounts()) if svc.export_bundle is not None else []
        if not mounts:
            self._record("export", result="no_usb")
            screen.show_message(messages.maintenance_no_usb(), "error")
            return
        dest = mounts[0]
        self._record("export", destination=str(dest))
        self._job(lambda: svc.export_bundle(dest), self._exported, "export")

    def _exported(self, path) -> None:
        from . import maintenance_messages as messages

        self._record("export_result", file=Path(path).name)
        self.ctl.window.maintenance.show_message(messages.maintenance_exported(Path(path).name))

    # --- settings ------------------------------------------------------------------------
    STEPS = {"idle_timeout_s": (15, 30, 600), "speech_volume": (10, 0, 100)}
    TOGGLES = ("shuffle_keypad", "speech_default_on", "high_contrast")

    def _show_settings(self) -> None:
        from . import maintenance_messages as messages
        from .screens.maintenance import SettingRow

        s = self._pending
        screen = self.ctl.window.maintenance
        if s is None:
            screen.show_settings([])
            return
        managed = set(self.services.managed)
        rows = [SettingRow("kiosk_id", messages.setting_name("kiosk_id"), s.kiosk_id, "fixed"),
                SettingRow("backoffice_url", messages.setting_name("backoffice_url"),
                           s.backoffice_url, "fixed"),
                SettingRow("jurisdiction", messages.setting_name("jurisdiction"), s.jurisdiction,
                           "fixed", "jurisdiction" in managed)]
        for key in self.STEPS:
            rows.append(SettingRow(key, messages.setting_name(key), str(getattr(s, key)), "step",
                                   key in managed))
        rows.append(SettingRow("default_font", messages.setting_name("default_font"),
                               messages.setting_value(s.default_font), "toggle",
                               "default_font" in managed))
        for key in self.TOGGLES:
            rows.append(SettingRow(key, messages.setting_name(key),
                                   messages.setting_value(bool(getattr(s, key))), "toggle",
                                   key in managed))
        rows.append(SettingRow("camera", messages.setting_name("camera"), str(s.camera), "fixed"))
        screen.show_settings(rows)

    def _on_setting(self, key: str, op: str) -> None:
        s = self._pending
        if s is None or not self.active or key in self.services.managed:
            return
        if key in self.STEPS:
            step, lo, hi = self.STEPS[key]
            value = getattr(s, key) + (step if op == "+" else -step)
            s = dataclasses.replace(s, **{key: max(lo, min(hi, value))})
        elif key == "default_font":
            s = dataclasses.replace(s, default_font="normal" if s.default_font == "large"
                                    else "large")
        elif key in self.TOGGLES:
            s = dataclasses.replace(s, **{key: not getattr(s, key)})
        self._pending = s
        self._show_settings()

    def _save_settings(self) -> None:
        from . import maintenance_messages as messages

        svc = self.services
        screen = self.ctl.window.maintenance
        if svc.store is None or self._pending is None:
            return
        try:
            changed = svc.store.save(self._pending, actor="technician")
        except Exception as exc:  # noqa: BLE001 - invalid settings are said, not raised
            code = getattr(exc, "code", type(exc).__name__)
            self._record("settings_save", result="refused", code=code)
            screen.show_message(messages.maintenance_failed("settings_save", code), "error")
            return
        self._record("settings_save", changed=list(changed))
        screen.show_message(messages.maintenance_saved(len(changed)))


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
