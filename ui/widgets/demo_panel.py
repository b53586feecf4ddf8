"""The demo's control window: insert a demo card, pull it, take the back office offline.

Shown in demo mode only (``kiosk demo``), as a small separate window that
stays on top of the full-screen kiosk and says plainly that it is a demo tool.
It drives the in-process emulated reader through its control API, exactly as
the tests do.

It starts folded to its one toggle button, which sits in the kiosk's header, in
the free space between the kiosk's name and the language button (found again on
every screen, language and text size, so it covers no control), and folds again
after each card action. The demo has no phone: the last SMS code the back office
"sent" is shown on the folded toggle itself, so the panel never opens by itself
over the screen where the citizen types that code.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import (QApplication, QCheckBox, QGridLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)
from shiboken6 import isValid


class DemoPanel(QWidget):
    def __init__(self, readers, profiles: dict[str, Path], hsm=None, *, reader: str | None = None,
                 kiosk: QWidget | None = None, parent: QWidget | None = None):
        """``kiosk``: the kiosk's main window, whose header gives the folded toggle its place
        (without it, the top centre of the screen)."""
        super().__init__(parent)
        self.setObjectName("demoPanel")
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("""
            QWidget#demoPanel { background: #FFF4CC; border: 4px solid #8A5A00; }
            QWidget#demoControls, QCheckBox { background: #FFF4CC; }
            QLabel { font-size: 24px; color: #1A1A1A; background: transparent; }
            QLabel#demoBanner { font-size: 28px; font-weight: bold; color: #6B4500; }
            QPushButton { font-size: 24px; min-width: 220px; min-height: 80px; max-height: 80px;
                          padding: 4px 12px; }
            QPushButton#demoToggle { background: #8A5A00; color: #FFFFFF; font-size: 20px;
                                     min-width: 80px; padding: 2px 8px; }
            QCheckBox { font-size: 24px; min-height: 80px; }
            QCheckBox::indicator { width: 40px; height: 40px; border: 3px solid #8A5A00;
                                   border-radius: 6px; background: #FFFFFF; }
            QCheckBox::indicator:checked { background: #8A5A00; }
        """)
        self.readers = readers
        self.reader = reader or readers.readers()[0]
        self.profiles = dict(profiles)
        self.hsm = hsm
        self.kiosk = kiosk
        self._cards: dict[str, object] = {}      # profile name -> SoftCard, kept for the run
        self.inserted: str | None = None

        self.toggle_button = QPushButton(self)
        self.toggle_button.setObjectName("demoToggle")
        self.toggle_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggle_button.clicked.connect(lambda: self.set_expanded(not self.expanded))
        self.controls = QWidget(self)
        self.controls.setObjectName("demoControls")
        self.controls.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.banner = QLabel(self.controls)
        self.banner.setObjectName("demoBanner")
        self.status = QLabel(self.controls)
        self.status.setObjectName("demoStatus")
        self.card_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, name in enumerate(sorted(self.profiles)):
            b = QPushButton(self._card_label(name), self.controls)
            b.setObjectName(f"demoInsert_{name}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, n=name: self.insert(n))
            self.card_buttons[name] = b
            grid.addWidget(b, i // 3, i % 3)
        self.pull_button = QPushButton(self.controls)
        self.pull_button.setObjectName("demoPull")
        self.pull_button.clicked.connect(self.pull)
        self.offline_box = QCheckBox(self.controls)
        self.offline_box.setObjectName("demoOffline")
        self.offline_box.setEnabled(hsm is not None)
        self.offline_box.toggled.connect(self._set_offline)
        # the demo's camera (a synthetic citizen): pull its cable in the middle of a preview
        self.camera_button = QPushButton(self.controls)
        self.camera_button.setObjectName("demoUnplugCamera")
        self.camera_button.clicked.connect(self.unplug_camera)
        self.reset_button = QPushButton(self.controls)
        self.reset_button.setObjectName("demoReset")
        self.reset_button.clicked.connect(self.reset_cards)
        # the demo has no phone: the last SMS code the back office "sent" is shown here
        self.sms_label = QLabel(self.controls)
        self.sms_label.setObjectName("demoSms")
        self._sms_code: str | None = None
        # the demo technician's sign-in for maintenance mode (the demo has no authenticator)
        self.technician_label = QLabel(self.controls)
        self.technician_label.setObjectName("demoTechnician")
        self._technician: tuple[str, str, str] | None = None
        self._sms_timer = QTimer(self)
        self._sms_timer.setInterval(500)
        self._sms_timer.timeout.connect(self._poll_sms)
        if hasattr(hsm, "last_sms_code"):
            self._sms_timer.start()

        inner = QVBoxLayout(self.controls)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.banner)
        inner.addWidget(self.status)
        inner.addLayout(grid)
        # the kiosk window is locked (no closing): the demo ends here
        self.quit_button = QPushButton(self.controls)
        self.quit_button.setObjectName("demoQuit")
        self.quit_button.clicked.connect(lambda: QApplication.exit(0))   # quit() asks the locked window
        actions = QGridLayout()
        actions.setSpacing(8)
        for i, w in enumerate((self.pull_button, self.camera_button, self.reset_button,
                               self.quit_button)):
            actions.addWidget(w, i // 2, i % 2)
        inner.addLayout(actions)
        inner.addWidget(self.offline_box)
        inner.addWidget(self.technician_label)
        inner.addWidget(self.sms_label)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 8)
        box.addWidget(self.toggle_button)
        box.addWidget(self.controls)
        self.expanded = False
        self.controls.setVisible(False)
        self.retranslate()
        # the kiosk changes screens, language and text size under the folded toggle
        self._place_timer = QTimer(self)
        self._place_timer.setInterval(250)
        self._place_timer.timeout.connect(self.place)   # runs while the panel is shown

    def _card_label(self, name: str) -> str:
        """``ordinary · 陈思远``: the profile and, when it has one, the holder."""
        try:
            from devices.card.emulator.profile import load_profile

            holder = load_profile(self.profiles[name]).name
        except Exception:  # noqa: BLE001 - a broken profile still gets its button
            holder = ""
        if len(holder) > 6:
            holder = holder[:5] + "…"
        return f"{name} · {holder}" if holder else name

    # --- placement ---------------------------------------------------------------------
    def set_expanded(self, on: bool) -> None:
        self.expanded = on
        self.controls.setVisible(on)
        self.retranslate()
        self.layout().activate()
        self.resize(self.sizeHint())   # not adjustSize(): it caps a window at 2/3 of the screen
        self.place()

    def place(self) -> None:
        """The toggle in the free space of the kiosk's header (see :func:`header_gap`);
        open, the panel hangs below it, kept on the screen. Without a kiosk window, the
        top centre of the screen."""
        gap = header_gap(self.kiosk) if self.kiosk is not None and isValid(self.kiosk) else None
        if gap is None:
            screen = self.screen() or QApplication.primaryScreen()
            if screen is None:
                return
            g = screen.geometry()
            self._move(QPoint(g.x() + (g.width() - self.width()) // 2, g.y()))
            return
        w, h = self.width(), self.height()
        fold_h = self.toggle_button.height() + 16
        if self.expanded or gap.width() >= w:
            x = gap.center().x() - w // 2          # centred in the gap
        else:
            x = gap.right() - w                    # too narrow: against the language button
        area = self.kiosk.geometry()            # a top-level window's is global
        x = max(area.left(), min(x, area.right() + 1 - w))
        self._move(QPoint(x, gap.top() + max(0, (gap.height() - fold_h) // 2)))

    def _move(self, to: QPoint) -> None:
        if self.pos() != to:
            self.move(to)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.resize(self.sizeHint())   # not adjustSize(): it caps a window at 2/3 of the screen
        self.place()
        if self.kiosk is not None:
            self._place_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._place_timer.stop()
        super().hideEvent(event)

    # --- control --------------------------------------------------------------------
    def card(self, name: str):
        """The demo card of profile ``name`` (one per run, so a changed PIN stays changed)."""
        if name not in self._cards:
            from devices.card.emulator.card import SoftCard
            from devices.card.emulator.profile import load_profile

            self._cards[name] = SoftCard(load_profile(self.profiles[name]), state_path=None)
        return self._cards[name]

    def insert(self, name: str) -> None:
        if self.inserted is not None:
            self.pull()
        self.readers.insert(self.reader, self.card(name))
        self.inserted = name
        self.set_expanded(False)

    def pull(self) -> None:
        if self.inserted is None:
            return
        self.readers.remove(self.reader)
        self.inserted = None
        self.set_expanded(False)

    def reset_cards(self) -> None:
        """Every demo card back to its profile's PIN and tries."""
        for card in self._cards.values():
            card.restore_profile_state()

    def unplug_camera(self) -> None:
        """The camera of the preview on screen stops, as if its cable were pulled (the next
        preview opens a working one)."""
        camera = getattr(self.hsm, "last_camera", None)
        if camera is not None:
            camera.unplug()

    def _set_offline(self, on: bool) -> None:
        if hasattr(self.hsm, "set_offline"):      # the demo kiosk: the whole back office
            self.hsm.set_offline(on)
        elif self.hsm is not None:
            self.hsm.offline = on

    def _poll_sms(self) -> None:
        if getattr(getattr(self.hsm, "services", None), "maintenance", None) is not None:
            technician = self.hsm.technician_code()
            if technician != self._technician:
                self._technician = technician
                self.retranslate()
        code = self.hsm.last_sms_code()
        if code != self._sms_code:
            self._sms_code = code
            self.retranslate()
            if self.isVisible() and not self.expanded:
                self.resize(self.sizeHint())      # the code is on the folded toggle
                self.place()

    # --- text -----------------------------------------------------------------------
    def retranslate(self) -> None:
        #: en: Demo controls (not part of the kiosk)
        self.setWindowTitle(self.tr("演示控制（非终端界面）"))
        if self.expanded:
            #: en: ▲ Demo controls
            self.toggle_button.setText(self.tr("▲ 演示控制"))
        else:
            #: en: ▼ Demo
            folded = self.tr("▼ 演示")
            if self._sms_code:
                #: en: SMS %1
                folded += "\n" + self.tr("短信 %1").replace("%1", self._sms_code)
            self.toggle_button.setText(folded)
        #: en: Show or hide the demo controls
        self.toggle_button.setAccessibleName(self.tr("显示或隐藏演示控制"))
        #: en: DEMO MODE: emulated cards, test back office
        self.banner.setText(self.tr("演示模式：模拟卡片，测试后台"))
        if self.inserted:
            #: en: Card in the reader: %1
            self.status.setText(self.tr("读卡器中的卡片：%1").replace("%1", self.inserted))
        else:
            #: en: The reader is empty
            self.status.setText(self.tr("读卡器中没有卡片"))
        for name, b in self.card_buttons.items():
            #: en: Insert the demo card %1
            b.setAccessibleName(self.tr("插入演示卡 %1").replace("%1", name))
        #: en: Pull the card
        self.pull_button.setText(self.tr("拔出卡片"))
        self.pull_button.setAccessibleName(self.pull_button.text())
        self.pull_button.setEnabled(self.inserted is not None)
        #: en: Back office offline
        self.offline_box.setText(self.tr("社保系统离线"))
        self.offline_box.setAccessibleName(self.offline_box.text())
        #: en: Unplug the camera
        self.camera_button.setText(self.tr("拔出摄像头"))
        self.camera_button.setAccessibleName(self.camera_button.text())
        self.camera_button.setVisible(hasattr(self.hsm, "last_camera"))
        #: en: Reset the demo cards' PINs
        self.reset_button.setText(self.tr("重置演示卡密码"))
        self.reset_button.setAccessibleName(self.reset_button.text())
        #: en: Demo phone, last text message code: %1
        self.sms_label.setText(self.tr("演示手机，最新短信验证码：%1").replace("%1", self._sms_code or "—"))
        self.sms_label.setVisible(hasattr(self.hsm, "last_sms_code"))
        if self._technician:
            account, pin, code = self._technician
            #: en: Maintenance (hold the top-left corner 3 s, tap bottom-right, bottom-left): account %1, PIN %2, code %3
            self.technician_label.setText(self.tr("维护模式（按住左上角3秒，再点右下角、左下角）：工号 %1，密码 %2，动态码 %3")
                                          .replace("%1", account).replace("%2", pin).replace("%3", code))
        self.technician_label.setVisible(self._technician is not None)
        self.technician_label.setWordWrap(True)
        #: en: Quit the demo
        self.quit_button.setText(self.tr("退出演示"))
        self.quit_button.setAccessibleName(self.quit_button.text())

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # not changeEvent(): a Python changeEvent() crashes PySide6 6.12 on a style change
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)


def header_gap(kiosk: QWidget) -> QRect | None:
    """The free part of the kiosk's header on screen, in global coordinates: from the end of
    its longest title text to the first of its buttons (None when the screen has no header)."""
    current = getattr(kiosk, "current_screen", None)
    header = getattr(current() if current else None, "header", None)
    if header is None or not header.isVisible():
        return None
    buttons = [b for b in header.findChildren(QPushButton) if b.isVisible()]
    if not buttons:
        return None
    first = min(buttons, key=lambda b: b.x())
    text_end = max(lab.x() + lab.fontMetrics().horizontalAdvance(lab.text())
                   for lab in (header.title, header.service))
    spacing = max(8, header.layout().spacing())
    left, right = text_end + spacing, first.x() - spacing
    top_left = header.mapToGlobal(QPoint(left, 0))
    return QRect(top_left.x(), top_left.y(), max(0, right - left), header.height())
