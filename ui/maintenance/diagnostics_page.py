"""The diagnostics page: the checks, the card reader test, the outbox replay, the speech
test and the diagnostics bundle to a USB stick."""

from __future__ import annotations

from pathlib import Path


class DiagnosticsPage:
    """Mixed into :class:`ui.maintenance.mode.MaintenanceMode`."""

    def _speech_test(self) -> None:
        from .. import i18n, maintenance_messages as messages

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
        from .. import maintenance_messages as messages

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
        from ..screens.maintenance import CheckRow

        screen = self.ctl.window.maintenance
        screen.show_checks([CheckRow(r.status, r.name, r.summary) for r in results])
        failing = [r.name for r in results if r.status == "fail"]
        self._record("diagnostics_result", failing=failing)
        from .. import maintenance_messages as messages

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
        from .. import maintenance_messages as messages

        delivered = len(getattr(report, "delivered", []) or [])
        pending = len(getattr(report, "still_pending", []) or [])
        self._record("replay_result", delivered=delivered, still_pending=pending)
        self.ctl.window.maintenance.show_message(messages.maintenance_replayed(delivered, pending))

    def _export(self) -> None:
        from .. import maintenance_messages as messages

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
        from .. import maintenance_messages as messages

        self._record("export_result", file=Path(path).name)
        self.ctl.window.maintenance.show_message(messages.maintenance_exported(Path(path).name))
