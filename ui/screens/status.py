"""The card's status and the production of a new card, as a timeline with dates.

Left: the card (masked number, status, a loss with its dates, valid until).
Right: the latest application, stage by stage in the pack's order: reached
stages with their day (✓), the current one highlighted (●), the ones to come
(○), and the expected day. Renders the ``StatusShown`` snapshot of
:class:`kiosk.workflows.card_status.CardStatusQuery`.
"""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from .. import texts, theme
from .base import Screen, button, clear_layout, label, set_text


def latest_application(applications: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The one to show: the first unfinished application, else the last one."""
    for app in applications:
        if not app.get("finished"):
            return app
    return applications[-1] if applications else None


class StatusScreen(Screen):
    doneRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusScreen")
        self._card: Mapping[str, Any] | None = None
        self._application: Mapping[str, Any] | None = None
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("statusHeading")

        self.card_box = QWidget(self.body)
        self.card_box.setProperty("role", "card")
        self.card_box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        t = theme.current()
        self.card_rows = QGridLayout(self.card_box)
        self.card_rows.setContentsMargins(t.gap_wide, t.gap, t.gap_wide, t.gap)
        self.card_rows.setVerticalSpacing(t.gap_small)
        self.card_rows.setHorizontalSpacing(t.spacing)

        self.timeline_box = QWidget(self.body)
        self.timeline_box.setProperty("role", "card")
        self.timeline_box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        tl = QVBoxLayout(self.timeline_box)
        tl.setContentsMargins(t.gap_wide, t.gap, t.gap_wide, t.gap)
        tl.setSpacing(t.gap_small // 2)
        self.timeline_title = label("body", self.timeline_box)
        self.timeline_title.setObjectName("timelineTitle")
        self.stages = QGridLayout()
        self.stages.setHorizontalSpacing(t.gap)
        self.stages.setVerticalSpacing(t.gap_small // 4)
        self.expected = label("body", self.timeline_box)
        self.expected.setObjectName("timelineExpected")
        tl.addWidget(self.timeline_title)
        tl.addLayout(self.stages)
        tl.addWidget(self.expected)
        tl.addStretch(1)

        # the heading over the card on the left, so that the timeline (eight stages, and
        # the application's number) has the whole height on the right, in 长辈版 too
        left = QVBoxLayout()
        left.setSpacing(t.spacing)
        left.addWidget(self.prompt)
        left.addWidget(self.card_box)
        left.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(t.gap_wide)
        row.addLayout(left, 1)
        row.addWidget(self.timeline_box, 1)
        self.done_button = button(self.body, name="statusDone")
        self.done_button.clicked.connect(self.doneRequested)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.done_button)
        self.content.addLayout(row, 1)
        self.content.addLayout(bottom)
        self.stage_labels: list = []

    def show_status(self, card: Mapping[str, Any] | None,
                    applications: list[Mapping[str, Any]]) -> None:
        self._card = card
        self._application = latest_application(list(applications or ()))
        self.retranslate()

    def _card_rows(self) -> list[tuple[str, str]]:
        c = self._card
        if c is None:
            #: en: Card
            field = self.tr("卡片")
            #: en: No card yet: your first card is being made.
            return [(field, self.tr("暂无卡片：您的第一张卡正在制作中。"))]
        rows = [
            #: en: Card number
            (self.tr("卡号"), str(c.get("card_no") or "")),
            #: en: Status
            (self.tr("状态"), texts.card_status(c.get("status"))),
        ]
        loss = c.get("loss")
        if loss:
            #: en: Reported lost on
            rows.append((self.tr("挂失日期"), texts.date(loss.get("since"))))
            if loss.get("auto_lift_at"):
                #: en: Loss report ends on
                rows.append((self.tr("自动解挂日期"), texts.date(loss.get("auto_lift_at"))))
        if c.get("expires_on"):
            #: en: Valid until
            rows.append((self.tr("有效期至"), texts.date(c.get("expires_on"))))
        return rows

    def retranslate(self) -> None:
        #: en: Card status and progress
        self.set_service(self.tr("查询卡状态和制卡进度"))
        #: en: Your card
        self.prompt.setText(self.tr("您的社会保障卡"))
        clear_layout(self.card_rows)
        for i, (field, value) in enumerate(self._card_rows()):
            f = label("field", self.card_box, wrap=False)
            f.setText(field)
            v = label("value-small", self.card_box, balanced=True)
            v.setText(value)
            v.setObjectName(f"statusValue{i}")
            self.card_rows.addWidget(f, i, 0, Qt.AlignmentFlag.AlignTop)
            self.card_rows.addWidget(v, i, 1)
        self.card_rows.setColumnStretch(1, 1)
        clear_layout(self.stages)
        self.stage_labels = []
        app = self._application
        if app is None:
            #: en: No card application in progress.
            self.timeline_title.setText(self.tr("没有正在办理的制卡申请。"))
            self.expected.setText("")
        else:
            #: en: %1 — application %2
            self.timeline_title.setText(self.tr("%1 — 申请编号 %2")
                                        .replace("%1", texts.application_kind(app.get("kind")))
                                        .replace("%2", str(app.get("application_id") or "")))
            for i, st in enumerate(app.get("stages") or ()):
                mark = "●" if st.get("current") else ("✓" if st.get("reached") else "○")
                m = label("stage-current" if st.get("current") else
                          ("body" if st.get("reached") else "muted"), self.timeline_box, wrap=False)
                m.setText(mark)
                n = label("stage-current" if st.get("current") else
                          ("body" if st.get("reached") else "muted"), self.timeline_box)
                n.setText(texts.stage(st.get("stage")))
                d = label("muted", self.timeline_box, wrap=False)
                d.setText(texts.date(st.get("at")) if st.get("at") else "")
                self.stages.addWidget(m, i, 0)
                self.stages.addWidget(n, i, 1)
                self.stages.addWidget(d, i, 2)
                self.stage_labels.append((st.get("stage"), n))
            self.stages.setColumnStretch(1, 1)
            if app.get("finished"):
                #: en: Finished.
                self.expected.setText(self.tr("已办结。"))
            elif app.get("expected_by"):
                #: en: Expected to be ready by %1
                self.expected.setText(self.tr("预计 %1 前完成").replace(
                    "%1", texts.date(app.get("expected_by"))))
            else:
                self.expected.setText("")
        self.expected.setVisible(bool(self.expected.text()))
        #: en: Done
        done = self.tr("完成")
        #: en: Done, end the service
        set_text(self.done_button, done, self.tr("完成，结束办理"))
