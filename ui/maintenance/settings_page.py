"""The settings page: the local settings, stepped and toggled, then saved."""

from __future__ import annotations

import dataclasses


class SettingsPage:
    """Mixed into :class:`ui.maintenance.mode.MaintenanceMode`."""

    # --- settings ------------------------------------------------------------------------
    STEPS = {"idle_timeout_s": (15, 30, 600), "speech_volume": (10, 0, 100)}
    TOGGLES = ("shuffle_keypad", "speech_default_on", "high_contrast")

    def _show_settings(self) -> None:
        from .. import maintenance_messages as messages
        from ..screens.maintenance import SettingRow

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
        from .. import maintenance_messages as messages

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
