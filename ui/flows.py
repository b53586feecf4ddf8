"""Every workflow state, as a screen: the thin views over ``kiosk/workflows``.

:class:`FlowRenderer` turns a workflow's :class:`~kiosk.workflows.base.Snapshot`
into one of the generic screens (PIN, code, choice, confirm, identity,
profile, photo, status, result) and says which workflow method each answer
calls. It decides no rule: what is offered, allowed or refused comes in the
snapshot (``docs/workflows.md`` lists every state and its ``info``); the words
come from ``ui/texts.py``, ``ui/messages.py`` and ``ui/outcomes.py``.

The controller (``ui/controller.py``) owns the session, the worker thread and
the timers; it calls :meth:`FlowRenderer.render` for every snapshot and runs
the actions (``ctl.act(method, *args)``) on the card thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Mapping

from PySide6.QtCore import QCoreApplication

from kiosk import errors, masking
from kiosk.workflows import common as c
from kiosk.workflows import loss_lift as ll
from kiosk.workflows import loss_report as lr
from kiosk.workflows import pin_change as pc
from kiosk.workflows import pin_reset as pr
from kiosk.workflows import pin_unblock as pu
from kiosk.workflows import profile_change as pf
from kiosk.workflows import renewal as rn
from kiosk.workflows.base import Snapshot
from kiosk.workflows.card_status import STATUS_SHOWN

from . import messages, outcomes, texts
from .messages import Message
from .screens import pin as pin_steps
from .screens.base import Option

if TYPE_CHECKING:
    from .controller import KioskController

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

SMS_CODE_LENGTH = 6


def _cancel() -> Option:
    #: en: Cancel
    return Option("cancel", lambda: translate("flows", "取消办理"))


def _also_by_post(address: str) -> Callable[[], str]:
    #: en: It can also be posted to: %1
    return lambda: translate("flows", "也可以邮寄到：%1").replace("%1", str(address))


def _msg(text: str) -> Callable[[], Message]:
    return lambda: Message("", text)


class FlowRenderer:
    """Snapshot in, screen out; the answers wired to the workflow's methods."""

    def __init__(self, ctl: "KioskController"):
        self.ctl = ctl

    @property
    def w(self):
        return self.ctl.window

    # --- the entry point ------------------------------------------------------------------
    def render(self, wf: Any, snap: Snapshot) -> None:
        """The screen of ``snap``; ``wf`` only receives the citizen's answers."""
        service = self._service_text(snap.workflow)
        log.info("%s: %s", snap.workflow, snap.state)
        if self._ending(snap):
            return
        handler = getattr(self, f"_{snap.workflow}", None)
        if handler is not None and handler(wf, snap, service):
            return
        if self._shared(wf, snap, service):
            return
        log.warning("%s: no screen for state %s", snap.workflow, snap.state)
        self.ctl.show_busy()

    def _service_text(self, name: str) -> Callable[[], str]:
        name = {"loss_lift": "lift_loss"}.get(name, name)
        return lambda: texts.service_name(name)

    # --- endings every workflow shares -----------------------------------------------------
    def _ending(self, snap: Snapshot) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        if state == "CardRemoved":
            ctl.back_to_attract()
        elif state == "Cancelled":
            ctl.after_cancel()
        elif state == "Failed":
            err = info.get("error") or errors.KioskError("failed")
            if isinstance(err, errors.CardRemoved):
                ctl.back_to_attract()
            else:
                ctl.show_result(lambda: messages.describe(err), error=err)
        elif state == c.REFUSED:
            err = info.get("error") or errors.Refusal(code=info.get("code") or "REFUSED",
                                                      details=dict(info))
            ctl.show_result(lambda: messages.describe(err), error=err)
        elif state == c.PIN_BLOCKED and snap.finished:
            ctl.show_result(lambda: messages.describe(errors.PinBlocked()))
        elif state == c.IDENTITY_REFUSED:
            ctl.show_result(lambda: outcomes.identity_refused(info))
        elif state in (lr.LOSS_PENDING, ll.LIFT_PENDING, pf.CHANGE_PENDING, rn.RENEWAL_PENDING):
            ctl.show_result(lambda: outcomes.pending(info))
        else:
            return False
        return True

    # --- steps several workflows share -----------------------------------------------------
    def _shared(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        if state == c.ENTER_PIN:
            tries = nxt.get("tries_left")
            msg = _msg(messages.wrong_pin(tries)) if tries is not None else None
            ctl.ask_pin(pin_steps.VERIFY, wf.enter_pin, msg, service=service)
        elif state == c.CHOOSE_IDENTITY_CHECK and info.get("sms_next"):
            ctl.show_busy()                     # the text message code is on its way
        elif state == c.CHOOSE_IDENTITY_CHECK:
            methods = list(nxt.get("choices") or ("sms",))
            if methods == ["sms"]:
                ctl.act(wf.sms_as_the_only_way)     # no question to ask
                return True
            options = [Option(m, lambda m=m: texts.identity_method(m)) for m in methods]
            ctl.ask_choice(service=service,
                           #: en: How would you like to prove who you are?
                           prompt=lambda: translate("flows", "请选择身份验证方式"),
                           options=options,
                           actions={"sms": lambda: ctl.act(wf.choose_sms),
                                    "face": lambda: ctl.act(wf.choose_face)})
        elif state == c.ENTER_SMS_CODE:
            self._sms_code(wf, info, nxt, service)
        elif state == c.SHOW_FACE:
            message = None
            if info.get("reason") or info.get("code"):
                #: en: We could not confirm it is you. Please face the camera and try again, or use a text message code.
                message = lambda: translate("flows", "未能确认是您本人，请正对摄像头重试，或使用短信验证码。")
            ctl.ask_face(wf, service, message)
        elif state == c.ENTER_IDENTITY:
            ctl.ask_identity(wf.enter_identity, service, field=info.get("field"),
                             reason=info.get("reason"), code=info.get("code"))
        elif state in (c.IDENTIFIED, lr.CHECKING_CARD, pr.RESETTING_PIN, pu.UNBLOCKING_PIN):
            ctl.show_busy()
        else:
            return False
        return True

    def _sms_code(self, wf: Any, info: Mapping[str, Any], nxt: Mapping[str, Any],
                  service) -> None:
        ctl = self.ctl
        reason = info.get("reason")
        message = None
        if reason == "wrong_code":
            left = info.get("attempts_left")
            if left is not None:
                #: en: Wrong code. %n tries left.
                message = (lambda: translate("flows", "验证码错误，还可尝试 %n 次", None, left))
            else:
                #: en: Wrong code. Please check the text message and type it again.
                message = lambda: translate("flows", "验证码错误，请核对短信后重新输入。")
        elif reason == "code_expired":
            #: en: The code has expired. Please ask for a new one.
            message = lambda: translate("flows", "验证码已过期，请重新获取。")
        elif reason:
            #: en: Please type the 6-digit code from the text message.
            message = lambda: translate("flows", "请输入短信中的 6 位验证码。")
        #: en: Send the code again
        secondary = [Option("resend", lambda: translate("flows", "重新发送验证码"))]
        actions = {"resend": lambda: ctl.act(wf.resend_code)}
        if nxt.get("other_method"):
            #: en: Another way
            secondary.append(Option("other", lambda: translate("flows", "换一种验证方式")))
            actions["other"] = lambda: ctl.act(wf.other_method)
        secondary.append(_cancel())
        actions["cancel"] = ctl.cancel_workflow
        ctl.ask_code(service=service,
                     #: en: Please type the code we sent to your phone
                     prompt=lambda: translate("flows", "请输入手机收到的短信验证码"),
                     #: en: The code was sent to the mobile phone number on record. It has 6 digits.
                     text=lambda: translate("flows", "验证码已发送到您登记的手机号码，共 6 位数字。"),
                     message=message, length=SMS_CODE_LENGTH,
                     submit=lambda code: ctl.act(wf.enter_sms_code, code),
                     secondary=secondary, actions=actions, auto_submit=True)

    # --- the PIN services ----------------------------------------------------------------------
    def _pin_change(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        if state == pc.ENTER_CURRENT_PIN:
            tries = nxt.get("tries_left")
            msg = _msg(messages.wrong_pin(tries)) if tries is not None else None
            ctl.ask_pin(pin_steps.CURRENT, wf.enter_current_pin, msg, busy=True)
        elif state == pc.ENTER_NEW_PIN:
            reason = info.get("reason")
            ctl.ask_pin(pin_steps.NEW, wf.enter_new_pin,
                        _msg(messages.weak_pin(reason)) if reason else None, busy=False)
        elif state == pc.CONFIRM_NEW_PIN:
            ctl.ask_pin(pin_steps.CONFIRM, wf.confirm_new_pin, None, busy=True)
        elif state == pc.PIN_CHANGED:
            ctl.show_result(messages.pin_changed)
        else:
            return False
        return True

    def _pin_reset(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        if state == pr.ENTER_NEW_PIN:
            reason = info.get("reason")
            ctl.ask_pin(pin_steps.NEW, wf.enter_new_pin,
                        _msg(messages.weak_pin(reason)) if reason else None,
                        service=service, step_of=(1, 2), busy=False)
        elif state == pr.CONFIRM_NEW_PIN:
            ctl.ask_pin(pin_steps.CONFIRM, wf.confirm_new_pin, None, service=service,
                        step_of=(2, 2))
        elif state == pr.NEW_PIN_SET:
            ctl.show_result(lambda: outcomes.new_pin_set(info))
        else:
            return False
        return True

    def _pin_unblock(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        if state == pu.ENTER_REMEMBERED_PIN:
            tries = nxt.get("tries_left")
            msg = _msg(messages.wrong_pin(tries)) if tries is not None else None
            ctl.ask_pin(pin_steps.REMEMBERED, wf.enter_pin, msg, service=service)
        elif state == pu.PIN_UNBLOCKED:
            ctl.show_result(lambda: outcomes.pin_unblocked(info))
        else:
            return False
        return True

    # --- losses ------------------------------------------------------------------------------------
    def _loss_report(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        cancel = _cancel()
        if state == lr.CHOOSE_LOSS_KIND:
            kinds = list(nxt.get("choices") or ())
            options = [Option(k, lambda k=k: texts.loss_kind(k), lambda k=k: texts.loss_kind_hint(k))
                       for k in kinds]
            ctl.ask_choice(service=service,
                           #: en: Which kind of loss report?
                           prompt=lambda: translate("flows", "请选择挂失方式"),
                           options=options, secondary=[cancel],
                           actions={**{k: (lambda k=k: ctl.act(wf.choose_kind, k)) for k in kinds},
                                    "cancel": ctl.cancel_workflow})
        elif state == lr.CHOOSE_LOSS_DURATION:
            durations = list(nxt.get("choices") or ())
            days = info.get("auto_lift_days") or {}
            options = [Option(d, lambda d=d: texts.loss_duration(d, days.get(d))) for d in durations]
            actions = {d: (lambda d=d: ctl.act(wf.choose_duration, d)) for d in durations}
            secondary = []
            if nxt.get("back"):
                #: en: Back
                secondary.append(Option("back", lambda: translate("flows", "返回上一步")))
                actions["back"] = lambda: ctl.act(wf.change_choice)
            secondary.append(cancel)
            actions["cancel"] = ctl.cancel_workflow
            ctl.ask_choice(service=service,
                           #: en: How long should the temporary loss report last?
                           prompt=lambda: translate("flows", "请选择临时挂失的期限"),
                           options=options, secondary=secondary, actions=actions)
        elif state == lr.CONFIRM_LOSS:
            #: en: Kind
            rows = [(lambda: translate("flows", "挂失方式"), lambda: texts.loss_kind(info.get("kind")))]
            if info.get("kind") == "temporary":
                #: en: Lasts
                rows.append((lambda: translate("flows", "期限"),
                             lambda: texts.loss_duration(info.get("duration"),
                                                         info.get("auto_lift_days"))))
            #: en: After the report, nobody can use the card, including for medical bills and payments.
            note = lambda: translate("flows", "挂失后，任何人都不能再使用这张卡（包括就医结算和支付）。")
            #: en: Report it lost
            actions = [Option("confirm", lambda: translate("flows", "确认挂失"))]
            handlers = {"confirm": lambda: ctl.act(wf.confirm)}
            if nxt.get("choose_again"):
                #: en: Choose again
                actions.append(Option("change", lambda: translate("flows", "重新选择")))
                handlers["change"] = lambda: ctl.act(wf.change_choice)
            actions.append(cancel)
            handlers["cancel"] = ctl.cancel_workflow
            ctl.ask_confirm(service=service,
                            #: en: Report this card lost?
                            prompt=lambda: translate("flows", "确认挂失您的社会保障卡？"),
                            rows=rows, note=note, actions=actions, handlers=handlers)
        elif state == lr.LOSS_REPORTED:
            ctl.show_result(lambda: outcomes.loss_reported(info))
        else:
            return False
        return True

    def _loss_lift(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        if state == ll.CONFIRM_LIFT:
            rows = [
                #: en: Kind
                (lambda: translate("flows", "挂失方式"), lambda: texts.loss_kind(info.get("kind"))),
                #: en: Reported on
                (lambda: translate("flows", "挂失日期"), lambda: texts.date(info.get("since"))),
            ]
            ctl.ask_confirm(service=service,
                            #: en: Cancel the loss report of this card?
                            prompt=lambda: translate("flows", "确认解除这张卡的挂失？"),
                            rows=rows,
                            #: en: The card can be used again right after.
                            note=lambda: translate("flows", "解除后卡片立即恢复使用。"),
                            #: en: Cancel the loss report
                            actions=[Option("confirm", lambda: translate("flows", "确认解除挂失")),
                                     #: en: Go back
                                     Option("cancel", lambda: translate("flows", "返回"))],
                            handlers={"confirm": lambda: ctl.act(wf.confirm),
                                      "cancel": ctl.cancel_workflow})
        elif state == ll.LOSS_LIFTED:
            ctl.show_result(lambda: outcomes.loss_lifted(info))
        else:
            return False
        return True

    # --- status -------------------------------------------------------------------------------------
    def _card_status(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        if state == STATUS_SHOWN:
            self.ctl.show_status(info.get("card"), info.get("applications") or [])
            return True
        return False

    # --- profile --------------------------------------------------------------------------------------
    def _profile_change(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        if state == pf.EDIT_PROFILE:
            ctl.edit_profile(wf, info, service)
        elif state == pf.CONFIRM_CHANGES:
            changes = info.get("changes") or {}
            rows = [(lambda f=f: texts.field_name(f),
                     lambda f=f, old=old, new=new: f"{self.show_value(f, old)}  →  {self.show_value(f, new)}")
                    for f, (old, new) in changes.items()]
            ctl.ask_confirm(service=service,
                            #: en: Save these changes?
                            prompt=lambda: translate("flows", "确认提交以下修改？"),
                            rows=rows,
                            #: en: Confirm and submit
                            actions=[Option("confirm", lambda: translate("flows", "确认提交")),
                                     #: en: Edit again
                                     Option("edit", lambda: translate("flows", "继续修改"))],
                            handlers={"confirm": lambda: ctl.act(wf.confirm),
                                      "edit": lambda: ctl.act(wf.edit)})
        elif state == pf.PROFILE_CHANGED:
            ctl.show_result(lambda: outcomes.profile_changed(info))
        else:
            return False
        return True

    @staticmethod
    def show_value(field: str, value: Any) -> str:
        """A profile value as the citizen reads it (the phone number masked)."""
        if value in (None, ""):
            return texts.not_set()
        if field == "phone":
            return masking.phone(str(value))
        if field == "gender":
            return texts.gender(str(value))
        if field == "ethnicity":
            return texts.ethnicity_name(str(value))
        if field == "nationality":
            return texts.nationality_name(str(value))
        if field == "id_valid_until":
            return texts.date(str(value))
        return str(value)

    # --- renewal ----------------------------------------------------------------------------------------
    def _renewal(self, wf: Any, snap: Snapshot, service) -> bool:
        state, info, nxt = snap.state, snap.info, snap.next
        ctl = self.ctl
        cancel = _cancel()
        if state == rn.CHOOSE_REASON:
            reasons = list(info.get("reasons") or ())
            ctl.ask_choice(service=service,
                           #: en: Why do you need a new card?
                           prompt=lambda: translate("flows", "请选择换卡原因"),
                           options=[Option(r, lambda r=r: texts.renewal_reason(r)) for r in reasons],
                           secondary=[cancel],
                           actions={**{r: (lambda r=r: ctl.act(wf.choose_reason, r)) for r in reasons},
                                    "cancel": ctl.cancel_workflow})
        elif state == rn.TAKE_PHOTO:
            message = None
            if info.get("rule") or info.get("code") == "PHOTO_INVALID":
                #: en: The photo was not accepted. Please look straight at the camera and try again.
                message = lambda: translate("flows", "照片未通过审核，请正对摄像头重新拍摄。")
            ctl.take_photo(wf, service, exempt=bool(info.get("photo_exempt")), message=message)
        elif state == rn.CHOOSE_DELIVERY:
            on_record = info.get("on_record")
            #: en: Apply (collect at an outlet)
            actions = [Option("pickup", lambda: translate("flows", "提交申请（到网点领取）"))]
            handlers = {"pickup": lambda: ctl.act(wf.apply_with_pickup)}
            #: en: Send it by post instead
            actions.append(Option("mail", lambda: translate("flows", "改为邮寄")))
            handlers["mail"] = lambda: ctl.act(wf.choose_delivery, "mail")
            actions.append(cancel)
            handlers["cancel"] = ctl.cancel_workflow
            rows = [
                #: en: Reason
                (lambda: translate("flows", "换卡原因"), lambda: texts.renewal_reason(info.get("reason"))),
                #: en: Photo
                (lambda: translate("flows", "照片"),
                 #: en: Taken
                 lambda: translate("flows", "已拍摄") if info.get("photo")
                 #: en: Not needed
                 else translate("flows", "无需照片")),
            ]
            ctl.ask_confirm(service=service,
                            #: en: How would you like to get the new card?
                            prompt=lambda: translate("flows", "请确认换卡申请并选择领卡方式"),
                            rows=rows, actions=actions, handlers=handlers,
                            note=_also_by_post(on_record) if on_record else None)
        elif state == rn.ENTER_MAILING_ADDRESS:
            on_record = info.get("on_record")
            message = None
            if info.get("reason") or info.get("field"):
                #: en: This address cannot be used. Please check it.
                message = lambda: translate("flows", "该地址无法使用，请检查后重新填写。")
            ctl.ask_address(wf, service, on_record, message)
        elif state == rn.CONFIRM_RENEWAL:
            if info.get("confirming"):      # 提交申请（到网点领取）: on its way
                ctl.show_busy()
                return True
            rows = [
                #: en: Reason
                (lambda: translate("flows", "换卡原因"), lambda: texts.renewal_reason(info.get("reason"))),
                #: en: Delivery
                (lambda: translate("flows", "领卡方式"), lambda: texts.delivery(info.get("delivery"))),
            ]
            if info.get("mailing_address"):
                #: en: Address
                rows.append((lambda: translate("flows", "邮寄地址"), lambda: str(info.get("mailing_address"))))
            ctl.ask_confirm(service=service,
                            #: en: Apply for a new card?
                            prompt=lambda: translate("flows", "确认提交换卡申请？"), rows=rows,
                            #: en: Confirm and submit
                            actions=[Option("confirm", lambda: translate("flows", "确认提交")),
                                     #: en: Choose again
                                     Option("again", lambda: translate("flows", "重新选择")), cancel],
                            handlers={"confirm": lambda: ctl.act(wf.confirm),
                                      "again": lambda: ctl.act(wf.start_over),
                                      "cancel": ctl.cancel_workflow})
        elif state == rn.RENEWAL_APPLIED:
            ctl.show_result(lambda: outcomes.renewal_applied(info))
        else:
            return False
        return True
