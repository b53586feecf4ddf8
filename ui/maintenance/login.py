"""The sign-in page: the technician's account, PIN and one-time code (or the local code
when the back office cannot be reached); entering and leaving maintenance."""

from __future__ import annotations

import logging

from .services import JOB_TIMEOUT_S

log = logging.getLogger(__name__)


class LoginPage:
    """Mixed into :class:`ui.maintenance.mode.MaintenanceMode`."""

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
        from .. import theme
        from ..switches import switch_theme

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

        from .. import maintenance_messages as messages

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
        from .. import maintenance_messages as messages

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
                from ..switches import switch_theme

                switch_theme(self.ctl.window, large=True)
            self._large_before = False
            self.ctl._render_attract()
