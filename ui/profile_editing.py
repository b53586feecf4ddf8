"""The profile change's editing screen and the editor of each field.

:class:`ProfileEditing` renders ``EditProfile`` (values, editable fields, the
message of a refused value) on :class:`~ui.screens.profile.ProfileScreen`, and
opens the right editor for a field: the numeric keypad for the mobile number,
the pinyin keyboard (with the region picker) for addresses, pickers for the
ethnic group, the nationality and the ID card's validity, two buttons for the
gender. Every value goes to ``ProfileChange.change(field, value)``, which
checks it (``kiosk/validation.py``) and answers with a new snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from . import texts
from .screens.base import Option

if TYPE_CHECKING:
    from .controller import KioskController

translate = QCoreApplication.translate


def problem_text(info: dict) -> str:
    """The message above the fields after a refused value or review."""
    field = info.get("field")
    if info.get("code") == "KEY_FIELD_CHANGE_REQUIRES_RENEWAL" or info.get("next_service") == "renewal":
        #: en: %1 is key information: it changes only with a new card.
        return translate("profile", "%1属于关键信息，需要换卡办理。").replace(
            "%1", texts.field_name(field or ""))
    if info.get("reason") == "nothing_changed":
        #: en: Nothing has been changed yet.
        return translate("profile", "您还没有修改任何信息。")
    if field and info.get("reason"):
        if field == "phone":
            #: en: Please type an 11-digit mobile number starting with 1.
            return translate("profile", "请输入以 1 开头的 11 位手机号码。")
        if field in ("address", "mailing_address"):
            #: en: This address cannot be used (too long, or a character not allowed).
            return translate("profile", "该地址无法使用（过长或含有不允许的字符）。")
        if field == "id_valid_until":
            #: en: The ID card's validity cannot be in the past.
            return translate("profile", "证件有效期不能早于今天。")
        #: en: This value cannot be used. Please check it.
        return translate("profile", "该内容无法使用，请检查。")
    if info.get("code"):
        #: en: This information cannot be changed at this kiosk.
        return translate("profile", "此信息不能在本机修改。")
    return ""


class ProfileEditing:
    def __init__(self, ctl: "KioskController", wf: Any, info: dict, service):
        self.ctl, self.wf, self.info, self.service = ctl, wf, info, service

    def show(self) -> None:
        from .flows import FlowRenderer

        ctl, info = self.ctl, self.info
        values = info.get("values") or {}
        fields = tuple(info.get("editable") or ())
        shown = {f: (lambda f=f: FlowRenderer.show_value(f, values.get(f))) for f in fields}
        text = problem_text(info)
        ctl._clear_targets()
        ctl._actions = {"review": lambda: ctl.act(self.wf.review), "cancel": ctl.cancel_workflow,
                        **{f"edit:{f}": (lambda f=f: self.edit(f)) for f in fields}}
        ctl.window.profile.show_profile(service=self.service, fields=fields, values=shown,
                                        changed=set((info.get("changes") or {}).keys()),
                                        message=(lambda: problem_text(info)) if text else None)
        ctl._show(ctl.window.profile)

    def edit(self, field: str) -> None:
        ctl, wf = self.ctl, self.wf
        values = self.info.get("values") or {}

        def change(value: Any) -> None:
            ctl.act(wf.change, field, value)

        def prompt():
            #: en: New: %1
            return translate("profile", "新的%1").replace("%1", texts.field_name(field))

        if field == "phone":
            ctl.ask_code(service=self.service, prompt=prompt, length=11, submit=change,
                         grouping=(3, 4, 4),
                         #: en: Back
                         secondary=[Option("cancel", lambda: translate("profile", "返回"))],
                         actions={"cancel": self.show})
        elif field in ("address", "mailing_address"):
            ctl.ask_text(service=self.service, prompt=prompt, submit=change, max_length=200,
                         initial=str(values.get(field) or ""), region=True)
            ctl._actions["cancel"] = self.show
        elif field in ("ethnicity", "nationality"):
            ctl.ask_pick(service=self.service, prompt=prompt, kind=field, submit=change,
                         current=values.get(field))
            ctl._actions["cancel"] = self.show
        elif field == "id_valid_until":
            def change_day(value: Any) -> None:
                change(value if isinstance(value, str) else value.isoformat())

            ctl.ask_pick(service=self.service, prompt=prompt, kind="date", submit=change_day,
                         current=values.get(field))
            ctl._actions["cancel"] = self.show
        elif field == "gender":
            ctl.ask_choice(service=self.service, prompt=prompt,
                           options=[Option(g, lambda g=g: texts.gender(g)) for g in ("1", "2")],
                           #: en: Back
                           secondary=[Option("cancel", lambda: translate("profile", "返回"))],
                           actions={"1": lambda: change("1"), "2": lambda: change("2"),
                                    "cancel": self.show})
