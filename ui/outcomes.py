"""The result screen's words for the endings of every service that are not errors.

Each function takes the final snapshot's ``info`` and returns a
:class:`~ui.messages.Message`; the result screen asks again on a language
change. Pending writes (the outbox kept them: ``docs/outbox.md``) say that the
request is recorded, not yet confirmed, and how to check.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from PySide6.QtCore import QCoreApplication

from . import texts
from .messages import Message

translate = QCoreApplication.translate


def _take_card() -> str:
    #: en: Please take your social security card.
    return translate("outcomes", "请取回您的社会保障卡。")


def new_pin_set(_info: Mapping[str, Any]) -> Message:
    #: en: Your new PIN is set
    return Message(translate("outcomes", "新密码设置成功"),
                   #: en: The PIN was reset and your new PIN is active now. Please remember it.
                   translate("outcomes", "密码已重置，新密码已生效，请牢记。"),
                   _take_card(), kind="success", code="NEW_PIN_SET")


def pin_unblocked(_info: Mapping[str, Any]) -> Message:
    #: en: Your PIN is unblocked
    return Message(translate("outcomes", "密码解锁成功"),
                   #: en: Your card's PIN works again; it has not changed.
                   translate("outcomes", "卡片密码已恢复使用，密码没有改变。"),
                   _take_card(), kind="success", code="PIN_UNBLOCKED")


def card_changed(effect: str) -> Message:
    """The card carried out a PIN command, but the service could not show its own result (the
    card was pulled right after, or the citizen left): what the card holds now
    (``kiosk/workflows/card_effect.py``)."""
    if effect == "pin_changed":
        #: en: Your new PIN is in force
        return Message(translate("outcomes", "新密码已生效"),
                       #: en: The PIN change was completed on your card: the new PIN works now and the old one no longer does.
                       translate("outcomes", "卡片上的密码修改已完成：新密码已生效，原密码已不能使用。"),
                       #: en: Please remember your new PIN.
                       translate("outcomes", "请牢记您的新密码。"),
                       kind="success", code="PIN_CHANGED_ON_CARD")
    if effect == "pin_reset":
        #: en: Your PIN was reset
        return Message(translate("outcomes", "密码已重置"),
                       #: en: Your card's PIN is now the initial PIN 123456.
                       translate("outcomes", "您卡片的密码现在是初始密码 123456。"),
                       #: en: Please change it at a kiosk (Change PIN) before you use the card.
                       translate("outcomes", "请在使用前到自助机“修改密码”设置新密码。"),
                       kind="info", code="PIN_RESET_ON_CARD")
    return replace(pin_unblocked({}), code="PIN_UNBLOCKED_ON_CARD")


def _last_digits(masked: Any) -> str:
    """The unmasked end of a masked card number (A1****001 -> 001)."""
    text = str(masked or "")
    tail = text[len(text.rstrip("0123456789")):] if text else ""
    return tail or "—"


def loss_reported(info: Mapping[str, Any]) -> Message:
    kind = texts.loss_kind(info.get("kind"))
    lines = [
        #: en: The card %1 is reported lost (%2) and cannot be used by anyone now.
        translate("outcomes", "尾号 %1 的社会保障卡已%2，现在任何人都不能使用。")
        .replace("%1", _last_digits(info.get("card_no"))).replace("%2", kind)]
    if info.get("auto_lift_at"):
        #: en: The loss report ends by itself on %1.
        lines.append(translate("outcomes", "挂失将于 %1 自动解除。")
                     .replace("%1", texts.date(info.get("auto_lift_at"))))
    #: en: The bank account of the card is reported separately, with the bank.
    lines.append(translate("outcomes", "卡内银行账户的挂失请联系合作银行办理。"))
    #: en: Your card is reported lost
    return Message(translate("outcomes", "挂失成功"), "\n".join(lines),
                   #: en: If you find the card, you can cancel the report at a kiosk or a counter.
                   translate("outcomes", "如找回卡片，可以到自助机或柜台解除挂失。"),
                   kind="success", code="LOSS_REPORTED")


def loss_lifted(_info: Mapping[str, Any]) -> Message:
    #: en: The loss report is cancelled
    return Message(translate("outcomes", "解除挂失成功"),
                   #: en: Your card can be used again from now on.
                   translate("outcomes", "您的社会保障卡现在可以正常使用了。"),
                   _take_card(), kind="success", code="LOSS_LIFTED")


def profile_changed(info: Mapping[str, Any]) -> Message:
    names = "、".join(texts.field_name(f) for f in info.get("fields") or ())
    #: en: Your details are updated
    return Message(translate("outcomes", "信息修改成功"),
                   #: en: Updated: %1.
                   translate("outcomes", "已更新：%1。").replace("%1", names),
                   _take_card(), kind="success", code="PROFILE_CHANGED")


def renewal_applied(info: Mapping[str, Any]) -> Message:
    lines = [
        #: en: Application number: %1
        translate("outcomes", "申请编号：%1").replace("%1", str(info.get("application_id") or "")),
    ]
    if info.get("expected_by"):
        #: en: Expected to be ready by %1.
        lines.append(translate("outcomes", "预计 %1 前制作完成。")
                     .replace("%1", texts.date(info.get("expected_by"))))
    outlet = info.get("outlet")
    if info.get("delivery") == "mail":
        #: en: The card will be sent by post.
        lines.append(translate("outcomes", "新卡将邮寄给您。"))
    elif outlet:
        #: en: Collect it at: %1
        lines.append(translate("outcomes", "领取网点：%1").replace("%1", str(outlet)))
    #: en: Your application is submitted
    return Message(translate("outcomes", "换卡申请已提交"), "\n".join(lines),
                   #: en: You can follow it under "Card status and progress". Please keep your old card until the new one arrives.
                   translate("outcomes", "可通过“查询卡状态和制卡进度”查看进度。新卡领取前请保留旧卡。"),
                   kind="success", code="RENEWAL_APPLIED")


def pending(info: Mapping[str, Any]) -> Message:
    """A write the back office did not confirm: the kiosk's outbox keeps it and sends it
    again with the same key until the back office says what happened (docs/outbox.md);
    the citizen gets the reference and what to do if it is not confirmed."""
    lines = [
        #: en: The social security system has not confirmed it yet; the kiosk will send it again by itself. Reference: %1
        translate("outcomes", "社保系统暂未确认，本机会自动重新提交。查询编号：%1")
        .replace("%1", str(info.get("reference") or ""))]
    if info.get("operation") == "report_loss":
        #: en: Until it is confirmed the card may still be usable: if it is urgent, report the loss by calling 12333 now.
        lines.append(translate("outcomes", "确认之前卡片可能仍可使用；如情况紧急，请立即拨打 12333 电话挂失。"))
    #: en: Your request is recorded
    return Message(translate("outcomes", "申请已记录"), "\n".join(lines),
                   #: en: You can check the result later under "Card status and progress". If it is not confirmed by tomorrow, call 12333 or go to a service counter with the reference number.
                   translate("outcomes", "您可以稍后通过“查询卡状态和制卡进度”查看办理结果。如明天仍未确认，请凭查询编号拨打 12333 或到柜台咨询。"),
                   kind="info", code="PENDING")


def identity_refused(_info: Mapping[str, Any]) -> Message:
    #: en: We could not confirm who you are
    return Message(translate("outcomes", "身份核验未通过"),
                   #: en: For your safety the service was ended. Nothing was changed.
                   translate("outcomes", "为保护您的安全，本次办理已结束，没有做任何改动。"),
                   #: en: Please bring your ID card to a service counter.
                   translate("outcomes", "请携带身份证到柜台办理。"),
                   code="IDENTITY_NOT_VERIFIED")


def staff_called() -> Message:
    #: en: Staff are on their way
    return Message(translate("outcomes", "已呼叫工作人员"),
                   #: en: Please wait here, a member of staff will come to help you.
                   translate("outcomes", "请在原地稍候，工作人员马上过来帮助您。"),
                   "", kind="info", code="STAFF_CALLED")
