"""The one place that turns the core's typed errors into sentences for citizens.

Translation scheme (for the whole of ``ui/``)
---------------------------------------------
* The **source text is Simplified Chinese**, the kiosk's default language, so
  the kiosk reads right with no translation loaded.
* The **English** of every string stands in a translator comment on the line
  just above the call: ``#: en: ...``. ``pyside6-lupdate`` copies it into the
  ``.ts`` file as ``<extracomment>``, so the English translator (and a
  reviewer) sees it next to the Chinese; ``tests/ui/test_translations.py``
  checks that no string lacks one.
* Here the context is ``"messages"`` (``QCoreApplication.translate``); screens
  and widgets use ``self.tr()`` with their class name as the context.
* Counts use ``%n`` (``translate(ctx, text, None, n)``) so English can say
  "1 try" / "2 tries".
* Sentences are built when they are shown, never cached, so a language switch
  (next issue) only needs the screen to ask again.

No sentence carries a PIN, and nothing here logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QCoreApplication

from kiosk import errors as e

# lupdate finds calls named ``translate`` whose context is a literal, so every
# string below is written out as ``translate("messages", "...")``.
translate = QCoreApplication.translate


@dataclass(frozen=True)
class Message:
    """What a screen shows about an outcome: a heading, what happened, what to do next."""

    title: str
    text: str
    advice: str = ""
    kind: str = "error"        # error | info | success
    code: str = ""             # the error's stable code, for the journal and tests


# how screens hold a message: a callable asked again on a language change,
# e.g. ``lambda: describe(error)`` or :func:`pin_changed`
MessageSource = Callable[[], Message]


# --- PIN ----------------------------------------------------------------------

def wrong_pin(tries_left: int) -> str:
    #: en: Wrong PIN. You have %n tries left.
    return translate("messages", "密码错误，还可尝试 %n 次", None, tries_left)


def pin_rule() -> str:
    #: en: The new PIN must not be 123456, must not be one digit six times (such as 111111), and must not be a run (such as 123456 or 654321).
    return translate("messages", "新密码不能是 123456，不能 6 位全部相同（如 111111），"
              "也不能是连续数字（如 123456、654321）。")


def weak_pin(reason: str) -> str:
    """Why the new PIN of :class:`kiosk.errors.WeakPin` ``reason`` was refused (one sentence).

    The PIN screen shows :func:`pin_rule` beside it; :func:`describe` adds the rule as advice.
    """
    if reason == "mismatch":
        #: en: The two new PINs you typed are not the same. Please set your new PIN again.
        return translate("messages", "两次输入的新密码不一致，请重新设置新密码。")
    if reason == "not_six_digits":
        #: en: The PIN has 6 digits.
        return translate("messages", "密码必须是 6 位数字。")
    if reason == "initial_pin":
        #: en: The new PIN cannot be the initial PIN 123456. Please choose another.
        return translate("messages", "新密码不能使用初始密码 123456，请换一个。")
    if reason == "all_same":
        #: en: A PIN of one digit six times is too easy to guess. Please choose another.
        return translate("messages", "新密码 6 位全部相同，容易被猜到，请换一个。")
    if reason == "sequence":
        #: en: A PIN of consecutive digits is too easy to guess. Please choose another.
        return translate("messages", "新密码是连续数字，容易被猜到，请换一个。")
    #: en: This PIN cannot be used. Please choose another.
    return translate("messages", "这个新密码不能使用，请换一个。")


# --- errors -------------------------------------------------------------------

def _session_ended() -> str:
    #: en: Your session has ended.
    return translate("messages", "本次办理已结束。")


def _take_card() -> str:
    #: en: Please take your social security card.
    return translate("messages", "请取回您的社会保障卡。")


def _counter() -> str:
    #: en: Please take your card and go to a service counter.
    return translate("messages", "请取回您的社会保障卡，到柜台办理。")


def describe(error: BaseException) -> Message:
    """The :class:`Message` for any error; unknown ones get a calm general sentence."""
    code = getattr(error, "code", type(error).__name__)

    def m(title: str, text: str, advice: str = "", kind: str = "error") -> Message:
        return Message(title, text, advice, kind, code)

    if isinstance(error, e.WrongPin):
        #: en: Wrong PIN
        return m(translate("messages", "密码错误"), wrong_pin(error.tries_left),
                 #: en: Please type your PIN again.
                 translate("messages", "请重新输入密码。"))
    if isinstance(error, e.PinBlocked):
        #: en: Your PIN is blocked
        return m(translate("messages", "密码已锁定"),
                 #: en: A wrong PIN was typed 6 times in a row, so the card's PIN is now blocked.
                 translate("messages", "密码连续输错 6 次，社会保障卡密码已被锁定。"),
                 #: en: Please take your card and go to a service counter to unblock the PIN.
                 translate("messages", "请取回您的社会保障卡，到柜台办理密码解锁。"))
    if isinstance(error, e.WeakPin):
        #: en: Please choose another PIN
        return m(translate("messages", "请换一个新密码"), weak_pin(error.reason), pin_rule())
    if isinstance(error, e.CardNotServed):
        if error.reason == "algorithm":
            #: en: This kiosk serves third-generation social security cards only.
            text = translate("messages", "本机只能办理第三代社会保障卡。")
        else:
            #: en: This kiosk does not recognise this card.
            text = translate("messages", "本机无法识别这张卡片。")
        #: en: This card cannot be served at this kiosk
        return m(translate("messages", "此卡无法在本机办理"), text, _counter())
    if isinstance(error, e.CardRemoved):
        #: en: The card was taken out
        return m(translate("messages", "卡片已取出"), _session_ended(),
                 #: en: To start again, please insert your card.
                 translate("messages", "如需继续办理，请重新插入社会保障卡。"), kind="info")
    if isinstance(error, e.NoCard):
        #: en: No card found
        return m(translate("messages", "未检测到卡片"),
                 #: en: Please insert your social security card into the reader, chip first and facing up.
                 translate("messages", "请将社会保障卡芯片朝上，插入读卡口。"), kind="info")
    if isinstance(error, e.JournalUnavailable):
        #: en: This kiosk is out of service
        return m(translate("messages", "本机暂停服务"),
                 #: en: This kiosk cannot save its service records at the moment, so it starts no service.
                 translate("messages", "本机暂时无法保存办理记录，为保障您的业务安全，暂停办理业务。"),
                 #: en: The staff have been told. Please contact a member of staff, or go to a service counter.
                 translate("messages", "已通知工作人员。请联系工作人员，或到柜台办理。"))
    if isinstance(error, (e.NoReader, e.ReaderServiceDown)):
        #: en: The card reader is not available
        return m(translate("messages", "读卡器暂时无法使用"),
                 #: en: This kiosk cannot read cards at the moment.
                 translate("messages", "本机暂时无法读卡。"),
                 #: en: Please go to a service counter or ask a member of staff.
                 translate("messages", "请到柜台办理，或联系工作人员。"))
    if isinstance(error, e.CardTimeout):
        #: en: The card did not answer
        return m(translate("messages", "读卡超时"),
                 #: en: The card did not answer in time.
                 translate("messages", "卡片没有及时应答。"),
                 #: en: Please take out your card and insert it again. If it still fails, go to a service counter.
                 translate("messages", "请取出卡片后重新插入。如仍不成功，请到柜台办理。"))
    if isinstance(error, e.ApplicationLocked):
        #: en: This card is locked
        return m(translate("messages", "卡片已锁定"),
                 #: en: The card's social security application is locked for good.
                 translate("messages", "这张卡片的社保应用已被永久锁定。"),
                 #: en: Please take your card and go to a service counter to get a new card.
                 translate("messages", "请取回您的社会保障卡，到柜台申请换卡。"))
    if isinstance(error, (e.CardNotGenuine, e.TerminalNotAuthorised)):
        #: en: The card could not be verified
        return m(translate("messages", "卡片验证未通过"),
                 #: en: The kiosk could not confirm this card with the social security system.
                 translate("messages", "本机无法与社保系统确认这张卡片。"), _counter())
    if isinstance(error, e.OutcomeUnknown):
        if _too_slow(error):
            #: en: The social security system did not answer in time, so the kiosk cannot tell whether it was done.
            why = translate("messages", "社保系统没有在规定时间内应答，无法确认是否办理成功。")
        else:
            #: en: The connection was lost before the social security system answered.
            why = translate("messages", "社保系统应答前网络中断，无法确认是否办理成功。")
        #: en: The result is not known
        return m(translate("messages", "无法确认办理结果"), why,
                 #: en: Please take your card and ask at a service counter.
                 translate("messages", "请取回您的社会保障卡，到柜台查询。"))
    if isinstance(error, e.Refusal) or isinstance(error, (e.RateLimited, e.SessionExpired)):
        return _refusal(error, m)
    if isinstance(error, e.BackOfficeTimeout):
        #: en: The social security system is answering too slowly
        return m(translate("messages", "社保系统响应超时"),
                 #: en: The social security system did not answer in time. Your card and your details were not changed.
                 translate("messages", "社保系统没有在规定时间内应答，您的卡片和信息没有任何改动。"),
                 _try_later())
    if isinstance(error, e.BackOfficeUnavailable):
        #: en: The social security system cannot be reached
        return m(translate("messages", "暂时无法连接社保系统"),
                 #: en: The kiosk cannot reach the social security system at the moment. Nothing was changed.
                 translate("messages", "本机暂时无法连接社保系统，您的卡片和信息没有任何改动。"),
                 _try_later())
    if isinstance(error, e.BackOfficeError):
        #: en: This service cannot be done here
        return m(translate("messages", "无法办理此业务"),
                 #: en: The social security system did not accept the request.
                 translate("messages", "社保系统未能受理本次请求。"), _counter())
    if isinstance(error, e.CardError):
        #: en: The card could not be read
        return m(translate("messages", "读卡失败"),
                 #: en: The card gave an answer the kiosk did not expect.
                 translate("messages", "卡片应答异常，本机无法继续办理。"), _counter())
    #: en: Something went wrong
    return m(translate("messages", "系统出现异常"),
             #: en: The kiosk could not finish this service.
             translate("messages", "本机未能完成本次办理。"), _counter())


def _try_later() -> str:
    #: en: Please take your card, and try again later or go to a service counter.
    return translate("messages", "请取回您的社会保障卡，稍后再试或到柜台办理。")


def _too_slow(error: BaseException) -> bool:
    """The back office was asked and did not answer in time (not a lost connection)."""
    details = getattr(error, "details", None) or {}
    return details.get("reason") in ("read_timeout", "deadline", "step_deadline")


def _article_line(error: BaseException) -> str:
    article = getattr(error, "article", None)      # a Refusal's, from its details
    if not article:
        return ""
    #: en: Rule: %1 of the local regulation
    return translate("messages", "依据：本地办法%1").replace("%1", str(article))


def _where_instead(error: BaseException) -> str:
    details = getattr(error, "details", None) or {}
    refer = list(details.get("refer_to") or ())
    if "bank" in refer:
        #: en: Please go to a branch of your card's bank.
        return translate("messages", "请到社会保障卡合作银行网点办理。")
    if "online" in refer:
        #: en: You can do it online or at a service counter.
        return translate("messages", "您可以通过网上服务或到柜台办理。")
    #: en: Please go to a service counter.
    return translate("messages", "请到柜台办理。")


def _refusal(error: BaseException, m) -> Message:
    """Sentences for the back office's (and the rule pack's) business refusals."""
    art = _article_line(error)

    def with_article(text: str) -> str:
        return f"{text}\n{art}" if art else text

    if isinstance(error, e.ServiceNotOffered):
        #: en: This service is not available at this kiosk
        return m(translate("messages", "本机不能办理此业务"),
                 #: en: Under the local regulation, this service is done elsewhere.
                 with_article(translate("messages", "根据本地规定，此业务需在其他渠道办理。")),
                 _where_instead(error))
    if isinstance(error, e.CardAlreadyLost):
        #: en: This card is reported lost
        return m(translate("messages", "此卡已挂失"),
                 #: en: The card is already reported lost, so this cannot be done with it.
                 with_article(translate("messages", "这张卡已经挂失，不能办理此业务。")),
                 #: en: To use the card again, cancel the loss report first; for a new card, apply for a replacement at a counter.
                 translate("messages", "如需继续使用，请先解除挂失；如需新卡，请到柜台申请补卡。"))
    if isinstance(error, e.CardNotLost):
        #: en: This card is not reported lost
        return m(translate("messages", "此卡未挂失"),
                 #: en: There is no loss report to cancel: the card is in normal use.
                 translate("messages", "这张卡没有挂失记录，可以正常使用。"), _take_card(), kind="info")
    if isinstance(error, e.FormalLossNotLiftable):
        #: en: A formal loss report cannot be cancelled
        return m(translate("messages", "正式挂失不能解除"),
                 #: en: After a formal loss report the card cannot be used again.
                 with_article(translate("messages", "正式挂失后，原卡不能再恢复使用。")),
                 #: en: Please apply for a replacement card at a service counter.
                 translate("messages", "请到柜台申请补卡。"))
    if isinstance(error, (e.CardCancelled, e.CardReplaced)):
        #: en: This card is no longer valid
        return m(translate("messages", "此卡已失效"),
                 #: en: This card was cancelled or replaced by a newer card.
                 translate("messages", "这张卡已注销或已被新卡替换。"), _counter())
    if isinstance(error, e.RenewalAlreadyInProgress):
        #: en: A new card is already on its way
        return m(translate("messages", "已有换卡申请在办理中"),
                 #: en: Only one application can run at a time. You can follow it under "Card status and progress".
                 translate("messages", "同一时间只能有一个申请。您可以通过“查询卡状态和制卡进度”查看进度。"),
                 _take_card(), kind="info")
    if isinstance(error, e.KeyFieldChangeRequiresRenewal):
        #: en: This information cannot be changed here
        return m(translate("messages", "此信息不能在本机修改"),
                 #: en: Key information (name, ID number, photo...) is changed with a new card.
                 with_article(translate("messages", "姓名、身份证号码、照片等关键信息需要换卡办理。")), _counter())
    if isinstance(error, e.PhotoInvalid):
        #: en: The photo cannot be used
        return m(translate("messages", "照片不符合要求"),
                 #: en: The social security system did not accept the photo.
                 with_article(translate("messages", "社保系统未通过该照片。")),
                 #: en: Please take the photo again.
                 translate("messages", "请重新拍照。"))
    if isinstance(error, (e.IdentityNotVerified, e.ChallengeFailed, e.CardNotFound)):
        #: en: We could not confirm who you are
        return m(translate("messages", "身份核验未通过"),
                 #: en: The details do not match the records of the social security system.
                 translate("messages", "您提供的信息与社保系统记录不一致。"),
                 #: en: Please bring your ID card to a service counter.
                 translate("messages", "请携带身份证到柜台办理。"))
    if isinstance(error, (e.TooManyAttempts, e.RateLimited)):
        #: en: Too many attempts
        return m(translate("messages", "尝试次数过多"),
                 #: en: For your safety this is paused for a while. Nothing was changed.
                 translate("messages", "为保护您的账户安全，暂停办理一段时间。没有做任何改动。"),
                 #: en: Please try again later or go to a service counter.
                 translate("messages", "请稍后再试或到柜台办理。"))
    if isinstance(error, e.SessionExpired):
        #: en: The session has expired
        return m(translate("messages", "办理超时"),
                 #: en: The service took too long and was ended for your safety. Nothing was changed.
                 translate("messages", "办理时间过长，为了安全已结束。没有做任何改动。"),
                 #: en: Please start again.
                 translate("messages", "请重新开始办理。"))
    #: en: This service cannot be done here
    return m(translate("messages", "无法办理此业务"),
             #: en: The social security system declined the request.
             with_article(translate("messages", "社保系统未受理本次申请。")), _counter())


# --- outcomes that are not errors ----------------------------------------------

def pin_changed() -> Message:
    #: en: Your PIN has been changed
    return Message(translate("messages", "密码修改成功"),
                   #: en: Your new PIN is active now. Please remember it and keep it secret.
                   translate("messages", "新密码已生效，请牢记并妥善保管。"),
                   _take_card(), kind="success", code="PIN_CHANGED")


def timed_out() -> Message:
    #: en: Time is up
    return Message(translate("messages", "操作超时"),
                   #: en: There was no input for a while, so the service was ended. Nothing was changed.
                   translate("messages", "长时间没有操作，本次办理已结束，没有做任何改动。"),
                   _take_card(), kind="info", code="IDLE_TIMEOUT")


def finished() -> Message:
    #: en: Thank you
    return Message(translate("messages", "感谢使用"), _session_ended(),
                   _take_card(), kind="info", code="FINISHED")


# --- words the controller's own screens use -------------------------------------

def cancel_word() -> str:
    #: en: Cancel
    return translate("messages", "取消办理")


def camera_problem(code: str | None) -> str:
    """Why the camera stopped (``CAMERA_*`` codes of :mod:`devices.camera`)."""
    if code == "CAMERA_UNPLUGGED":
        #: en: The camera stopped working (it may have been disconnected).
        return translate("messages", "摄像头已停止工作（可能已断开连接）。")
    if code == "CAMERA_BUSY":
        #: en: The camera is being used by another program.
        return translate("messages", "摄像头正被其他程序占用。")
    if code == "CAMERA_TIMEOUT":
        #: en: The camera does not send pictures.
        return translate("messages", "摄像头没有画面。")
    #: en: This kiosk's camera cannot be found.
    return translate("messages", "未找到本机的摄像头。")


def face_unavailable() -> str:
    #: en: The face check is not available at this kiosk. Please use a text message code.
    return translate("messages", "本机暂不能刷脸验证，请使用短信验证码。")


def use_sms_instead() -> str:
    #: en: Use a text message code
    return translate("messages", "使用短信验证码")


def where_to_mail() -> str:
    #: en: Where should the new card be posted?
    return translate("messages", "新卡邮寄到哪里？")


def mail_to(address: str) -> str:
    #: en: To the address on record: %1
    return translate("messages", "寄到登记的地址：%1").replace("%1", address)


def new_address() -> str:
    #: en: Type a new address
    return translate("messages", "填写新的邮寄地址")
