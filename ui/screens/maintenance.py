"""Maintenance mode for a technician: diagnostics, settings, logs and the diagnostics bundle.

A view like the citizen's screens: it shows what the maintenance controller
(``ui/maintenance/``) hands it and emits what the technician taps:

- :attr:`MaintenanceScreen.actionRequested` with ``diagnostics``, ``settings``,
  ``logs`` (the pages), ``rerun`` (the checks again), ``card_test`` (insert a
  card: ATR, public fields, redacted trace), ``replay`` (send the outbox now),
  ``export`` (the bundle to the USB stick), ``save`` (the settings), ``exit``;
- :attr:`MaintenanceScreen.settingChanged` with a setting's key and ``"-"``,
  ``"+"`` or ``"toggle"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QPlainTextEdit, QStackedWidget, QVBoxLayout,
                               QWidget)

from ..widgets.live_view import LiveView
from .base import Screen, button, clear_layout, label, set_text

PAGES = ("diagnostics", "settings", "logs")
CAMERA_W, CAMERA_H = 270, 360       # half the citizen's live picture


@dataclass(frozen=True)
class CheckRow:
    status: str          # ok | warning | fail
    name: str
    summary: str


@dataclass(frozen=True)
class SettingRow:
    key: str
    name: str
    value: str
    kind: str            # "step" (- +) | "toggle" | "fixed" (shown only)
    managed: bool = False  # set by the back office: shown, not changed here


class MaintenanceScreen(Screen):
    actionRequested = Signal(str)
    settingChanged = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("maintenanceScreen")
        self.page = "diagnostics"
        self._who = ""
        self.nav: dict[str, object] = {}
        self.save_button = button(self.body, name="maint_save")
        self.save_button.clicked.connect(lambda: self.actionRequested.emit("save"))
        nav = QVBoxLayout()
        nav.setSpacing(16)
        for key in PAGES + ("exit",):
            b = button(self.body, role="secondary" if key != "exit" else "", name=f"maint_{key}")
            b.clicked.connect(lambda _=False, k=key: self.actionRequested.emit(k))
            self.nav[key] = b
            if key == "exit":
                nav.addStretch(1)
                nav.addWidget(self.save_button)
            nav.addWidget(b)
        self.who = label("muted", self.body)
        nav.insertWidget(0, self.who)

        self.title = label("heading", self.body)
        self.title.setObjectName("maintenanceTitle")
        self.message = label("alert", self.body)
        self.message.setObjectName("maintenanceMessage")
        self.message.hide()
        self.pages = QStackedWidget(self.body)

        # diagnostics
        diag = QWidget()
        dl = QVBoxLayout(diag)
        dl.setContentsMargins(0, 0, 0, 0)
        actions = QHBoxLayout()
        self.rerun_button = button(diag, name="maint_rerun")
        self.card_test_button = button(diag, role="secondary", name="maint_card_test")
        self.replay_button = button(diag, role="secondary", name="maint_replay")
        self.camera_button = button(diag, role="secondary", name="maint_camera")
        self.speech_button = button(diag, role="secondary", name="maint_speech")
        devices = QHBoxLayout()
        for row, key, b in ((actions, "rerun", self.rerun_button),
                            (actions, "card_test", self.card_test_button),
                            (actions, "replay", self.replay_button),
                            (devices, "camera_preview", self.camera_button),
                            (devices, "speech_test", self.speech_button)):
            b.clicked.connect(lambda _=False, k=key: self.actionRequested.emit(k))
            row.addWidget(b)
        for row in (actions, devices):
            row.addStretch(1)
            dl.addLayout(row)
        self.checks = QGridLayout()
        self.checks.setHorizontalSpacing(24)
        self.checks.setVerticalSpacing(8)
        checks_row = QHBoxLayout()
        checks_row.addLayout(self.checks, 1)
        # the camera's live picture with the face box, and its frames per second
        camera_box = QVBoxLayout()
        self.camera_view = LiveView(diag, size=(CAMERA_W, CAMERA_H))
        self.camera_view.hide()
        self.camera_info = label("body", diag, wrap=False)
        self.camera_info.setObjectName("maintenanceCameraInfo")
        self.camera_info.hide()
        camera_box.addWidget(self.camera_view)
        camera_box.addWidget(self.camera_info)
        camera_box.addStretch(1)
        checks_row.addLayout(camera_box)
        dl.addLayout(checks_row)
        self.card_report = QPlainTextEdit(diag)
        self.card_report.setObjectName("maintenanceCardReport")
        self.card_report.setReadOnly(True)
        #: en: Card reader test report
        self.card_report.setAccessibleName(self.tr("读卡测试结果"))
        self.card_report.hide()
        dl.addWidget(self.card_report, 1)
        dl.addStretch(0)

        # settings
        sett = QWidget()
        sl = QVBoxLayout(sett)
        sl.setContentsMargins(0, 0, 0, 0)
        self.settings_info = label("muted", sett)
        self.settings_info.setObjectName("maintenanceSettingsInfo")
        sl.addWidget(self.settings_info)
        self.settings_grid = QGridLayout()
        self.settings_grid.setHorizontalSpacing(24)
        self.settings_grid.setVerticalSpacing(8)
        sl.addLayout(self.settings_grid)
        sl.addStretch(1)
        # (保存设置 sits in the left column, under the pages: the rows need the height)

        # logs
        logs = QWidget()
        ll = QVBoxLayout(logs)
        ll.setContentsMargins(0, 0, 0, 0)
        self.export_button = button(logs, name="maint_export")
        self.export_button.clicked.connect(lambda: self.actionRequested.emit("export"))
        ll.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.events = QPlainTextEdit(logs)
        self.events.setObjectName("maintenanceEvents")
        self.events.setReadOnly(True)
        #: en: Recent events of this kiosk
        self.events.setAccessibleName(self.tr("本机最近的运行记录"))
        ll.addWidget(self.events, 1)

        for w in (diag, sett, logs):
            self.pages.addWidget(w)
        right = QVBoxLayout()
        right.setSpacing(16)
        right.addWidget(self.title)
        right.addWidget(self.message)
        right.addWidget(self.pages, 1)
        row = QHBoxLayout()
        row.setSpacing(48)
        row.addLayout(nav, 0)
        row.addLayout(right, 1)
        self.content.addLayout(row, 1)
        self.save_button.setVisible(False)
        self.retranslate()

    # --- the controller ------------------------------------------------------------------
    def show_page(self, page: str) -> None:
        self.page = page
        self.save_button.setVisible(page == "settings")
        self.pages.setCurrentIndex(PAGES.index(page))
        self.card_report.setVisible(bool(self.card_report.toPlainText()) and page == "diagnostics")
        self.retranslate()

    def set_technician(self, who: str) -> None:
        self._who = who
        self.retranslate()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.setText(text)
        self.message.setProperty("role", "alert" if kind == "error" else "stage-current")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def show_checks(self, rows: list[CheckRow]) -> None:
        clear_layout(self.checks)
        for i, r in enumerate(rows):
            mark = label({"ok": "body", "warning": "stage-current"}.get(r.status, "error"),
                         wrap=False)
            mark.setText({"ok": "✓ OK", "warning": "! WARN"}.get(r.status, "✗ FAIL"))
            name = label("body", wrap=False)
            name.setText(r.name)
            summary = label("body")
            summary.setText(r.summary)
            self.checks.addWidget(mark, i, 0)
            self.checks.addWidget(name, i, 1)
            self.checks.addWidget(summary, i, 2)
        self.checks.setColumnStretch(2, 1)

    def show_camera(self, snapshot, fps: float | None) -> None:
        """The camera's picture (None: the preview ended) and its measured frames per second."""
        if snapshot is None:
            self.camera_view.clear()
            self.camera_view.hide()
            self.camera_info.hide()
            return
        self.camera_view.show_frame(snapshot.image, snapshot.face, snapshot.ok)
        self.camera_view.show()
        faces = 1 if snapshot.face is not None else 0
        #: en: %1 frames/s, faces found: %2
        self.camera_info.setText(self.tr("%1 帧/秒，检测到人脸：%2")
                                 .replace("%1", f"{fps:.0f}" if fps else "…")
                                 .replace("%2", str(faces)))
        self.camera_info.show()

    def set_checking(self, running: bool) -> None:
        """While the checks run (they use the camera), the preview and another run wait."""
        self.camera_button.setEnabled(not running)
        self.rerun_button.setEnabled(not running)

    def show_card_report(self, text: str) -> None:
        self.card_report.setPlainText(text)
        self.card_report.setVisible(bool(text))

    def show_settings(self, rows: list[SettingRow]) -> None:
        """The settings shown only (kiosk id, address...) on one line, then one row per
        setting the technician may change here: name, value, its buttons."""
        clear_layout(self.settings_grid)
        self.setting_buttons: dict[tuple[str, str], object] = {}
        fixed = [r for r in rows if r.kind == "fixed"]
        self.settings_info.setText("   ".join(f"{r.name}: {r.value}" for r in fixed))
        for line, r in enumerate(r for r in rows if r.kind != "fixed"):
            name = label("body", wrap=False)
            name.setText(r.name)
            value = label("value-small", wrap=False)
            value.setObjectName(f"setting_{r.key}")
            #: en: (set by the back office)
            value.setText(r.value + (self.tr("（由社保系统统一设置）") if r.managed else ""))
            self.settings_grid.addWidget(name, line, 0)
            self.settings_grid.addWidget(value, line, 1)
            ops = {"step": ("-", "+"), "toggle": ("toggle",)}.get(r.kind, ()) if not r.managed else ()
            for j, op in enumerate(ops):
                b = button(role="compact-secondary", name=f"setting_{r.key}_{op}")
                #: en: Change %1
                set_text(b, {"-": "−", "+": "+"}.get(op, "⇄"),
                         self.tr("更改%1").replace("%1", r.name) + ({"-": " −", "+": " +"}.get(op, "")))
                b.clicked.connect(lambda _=False, k=r.key, o=op: self.settingChanged.emit(k, o))
                self.setting_buttons[(r.key, op)] = b
                self.settings_grid.addWidget(b, line, 2 + j)
        self.settings_grid.setColumnStretch(4, 1)

    def show_events(self, lines: list[str]) -> None:
        self.events.setPlainText("\n".join(lines))
        self.events.verticalScrollBar().setValue(self.events.verticalScrollBar().maximum())

    def retranslate(self) -> None:
        #: en: Maintenance
        self.set_service(self.tr("维护模式"))
        #: en: Technician: %1
        self.who.setText(self.tr("维护人员：%1").replace("%1", self._who) if self._who else "")
        #: en: Diagnostics
        set_text(self.nav["diagnostics"], self.tr("设备诊断"))
        #: en: Settings
        set_text(self.nav["settings"], self.tr("参数设置"))
        #: en: Logs and export
        set_text(self.nav["logs"], self.tr("日志与导出"))
        #: en: Leave maintenance
        set_text(self.nav["exit"], self.tr("退出维护"))
        titles = {
            #: en: Diagnostics
            "diagnostics": self.tr("设备诊断"),
            #: en: Settings
            "settings": self.tr("参数设置"),
            #: en: Logs and the diagnostics bundle
            "logs": self.tr("日志与诊断包导出"),
        }
        self.title.setText(titles[self.page])
        #: en: Check again
        set_text(self.rerun_button, self.tr("重新检查"))
        #: en: Card reader test
        set_text(self.card_test_button, self.tr("读卡测试"))
        #: en: Send waiting requests now
        set_text(self.replay_button, self.tr("立即补发待发送业务"))
        #: en: Camera preview
        set_text(self.camera_button, self.tr("摄像头预览"))
        #: en: Speech test
        set_text(self.speech_button, self.tr("语音测试"))
        #: en: Save the settings
        set_text(self.save_button, self.tr("保存设置"))
        #: en: Export the diagnostics bundle to the USB stick
        set_text(self.export_button, self.tr("导出诊断包到U盘"))


