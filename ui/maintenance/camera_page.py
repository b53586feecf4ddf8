"""The diagnostics' camera preview (with its frame rate)."""

from __future__ import annotations

import time


class CameraPreviewPage:
    """Mixed into :class:`ui.maintenance.mode.MaintenanceMode`."""

    # --- the camera preview and the speech test -----------------------------------------------
    def _toggle_preview(self) -> None:
        from .. import messages

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
        from .. import messages

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
