"""The names the citizen reads for the core's ids: services, loss kinds, reasons, fields, stages.

The core speaks in stable ids (``pin_change``, ``temporary``, ``expired``,
``ready_for_pickup``...); this module is the one place that turns them into
words, in the ``"texts"`` translation context (see ``ui/messages.py`` for the
scheme: Chinese source, English in the ``#: en:`` comment above). Every
function is asked again on a language change; an id this module does not know
is shown as a calm generic word, never as the raw id.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from kiosk.loss_terms import UNTIL_LIFTED

translate = QCoreApplication.translate


# --- services ----------------------------------------------------------------------

def service_name(service: str) -> str:
    if service == "pin_change":
        #: en: Change PIN
        return translate("texts", "修改密码")
    if service == "pin_reset":
        #: en: Forgot PIN (reset)
        return translate("texts", "忘记密码（重置）")
    if service == "pin_unblock":
        #: en: Unblock PIN
        return translate("texts", "密码解锁")
    if service in ("temporary_loss", "formal_loss", "loss_report"):
        #: en: Report a lost card
        return translate("texts", "挂失")
    if service == "lift_loss":
        #: en: Cancel a loss report
        return translate("texts", "解除挂失")
    if service == "profile_change":
        #: en: Update my details
        return translate("texts", "修改个人信息")
    if service in ("card_status", "progress"):
        #: en: Card status and progress
        return translate("texts", "查询卡状态和制卡进度")
    if service == "renewal":
        #: en: Apply for a new card
        return translate("texts", "申请换卡")
    #: en: Service
    return translate("texts", "业务")


def service_hint(service: str) -> str:
    """One short line under the service's name on the home screen."""
    if service == "pin_change":
        #: en: You know your PIN and want a new one
        return translate("texts", "记得原密码，想换新密码")
    if service == "pin_reset":
        #: en: Set a new PIN with a text message code
        return translate("texts", "通过短信验证设置新密码")
    if service == "pin_unblock":
        #: en: Wrong PIN typed too often, you still know it
        return translate("texts", "密码输错被锁，仍记得密码")
    if service == "lift_loss":
        #: en: Your lost card was found
        return translate("texts", "找回了已挂失的卡")
    if service == "profile_change":
        #: en: Phone number, address and more
        return translate("texts", "手机号码、地址等")
    if service in ("card_status", "progress"):
        #: en: Card status and where your new card is
        return translate("texts", "卡片状态和新卡制作进度")
    if service == "renewal":
        #: en: Expired, damaged or unreadable card
        return translate("texts", "卡片到期、损坏或无法使用")
    if service in ("temporary_loss", "formal_loss", "loss_report"):
        #: en: Stop your card from being used
        return translate("texts", "防止卡片被他人使用")
    return ""


# --- identity ------------------------------------------------------------------------

def identity_method(method: str) -> str:
    if method == "sms":
        #: en: Text message code to my phone
        return translate("texts", "发送短信验证码到我的手机")
    if method == "face":
        #: en: Face check with the camera
        return translate("texts", "刷脸验证")
    #: en: Other way
    return translate("texts", "其他方式")


# --- losses --------------------------------------------------------------------------

def loss_kind(kind: str | None) -> str:
    if kind == "temporary":
        #: en: Temporary loss report
        return translate("texts", "临时挂失")
    if kind == "formal":
        #: en: Formal loss report
        return translate("texts", "正式挂失")
    return service_name("loss_report")


def loss_kind_hint(kind: str) -> str:
    if kind == "temporary":
        #: en: The card stops working until you cancel the report. Choose this if the card may turn up.
        return translate("texts", "卡片暂停使用，找回后可以解除挂失。卡片可能找回时选择。")
    if kind == "formal":
        #: en: The card is stopped for good; you then apply for a replacement card.
        return translate("texts", "卡片永久停用，之后需要申请补卡。")
    return ""


def loss_duration(duration: str | None, days: int | None = None) -> str:
    if duration in (None, UNTIL_LIFTED):
        #: en: Until I cancel it
        return translate("texts", "直到我解除挂失")
    if duration == "long":
        #: en: Long-term (until I cancel it)
        return translate("texts", "长期（直到我解除挂失）")
    if days is None and isinstance(duration, str) and duration.endswith("d") and duration[:-1].isdigit():
        days = int(duration[:-1])
    if days is not None:
        #: en: %n days, then it ends by itself
        return translate("texts", "%n 天，到期自动解除", None, days)
    return str(duration)


# --- renewal -----------------------------------------------------------------------------

def renewal_reason(reason: str | None) -> str:
    table = {
        #: en: The card has expired or will soon
        "expired": lambda: translate("texts", "卡片有效期已到或即将到期"),
        #: en: The card is damaged
        "damaged": lambda: translate("texts", "卡片损坏"),
        #: en: The card cannot be read
        "unreadable": lambda: translate("texts", "卡片无法读取"),
        #: en: Change to a new-generation card
        "upgrade": lambda: translate("texts", "换领新一代社会保障卡"),
        #: en: I look different from the photo on the card
        "appearance_changed": lambda: translate("texts", "本人相貌变化较大"),
        #: en: A child turning 7
        "child_reaches_7": lambda: translate("texts", "儿童年满 7 周岁"),
        #: en: Turning 18
        "reaching_18": lambda: translate("texts", "年满 18 周岁"),
    }
    fn = table.get(reason or "")
    #: en: Other reason
    return fn() if fn else translate("texts", "其他原因")


def photo_hint(hint: str | None) -> str:
    """What the camera's guidance asks of the citizen (``None``: all is well)."""
    table = {
        #: en: Please stand in front of the camera
        "no_face": lambda: translate("texts", "请站到摄像头前"),
        #: en: Only one person in front of the camera, please
        "several_faces": lambda: translate("texts", "镜头前请只留一人"),
        #: en: Please come a little closer
        "move_closer": lambda: translate("texts", "请再靠近一点"),
        #: en: Please step back a little
        "move_back": lambda: translate("texts", "请稍微后退一点"),
        #: en: Please move to the middle of the picture
        "centre_yourself": lambda: translate("texts", "请移到画面中间"),
        #: en: Please hold your head straight and face the camera
        "face_the_camera": lambda: translate("texts", "请摆正头部，正对摄像头"),
        #: en: It is too dark here; please ask the staff for help
        "too_dark": lambda: translate("texts", "光线太暗，请联系工作人员"),
        #: en: It is too bright; please step out of the direct light
        "too_bright": lambda: translate("texts", "光线太亮，请避开直射光"),
        #: en: The light on your face is uneven
        "uneven_light": lambda: translate("texts", "脸部光线不均匀，请正对屏幕"),
        #: en: Please keep still
        "blurred": lambda: translate("texts", "请保持不动"),
        #: en: The background must be white; please stand in front of the white wall
        "background_not_white": lambda: translate("texts", "背景须为白色，请站到白色背景前"),
    }
    if hint is None:
        #: en: Good. Please keep still...
        return translate("texts", "很好，请保持不动……")
    fn = table.get(hint)
    #: en: Please look straight at the camera
    return fn() if fn else translate("texts", "请正对摄像头")


def photo_refusal(rule: str | None) -> str:
    """Why a capture could not be made into the card photo (a rule of ``kiosk.photo``)."""
    if rule in ("two_faces", "several_faces"):
        return photo_hint("several_faces")
    if rule == "face_too_small":
        return photo_hint("move_closer")
    if rule in ("no_face", "background_not_white"):
        return photo_hint(rule)
    #: en: The picture did not meet the card photo rules; please try again
    return translate("texts", "照片不符合制卡要求，请重新拍摄")


def delivery(kind: str | None) -> str:
    if kind == "pickup":
        #: en: Collect it at a service outlet
        return translate("texts", "到服务网点领取")
    if kind == "mail":
        #: en: Send it by post
        return translate("texts", "邮寄到家")
    #: en: Delivery
    return translate("texts", "领取方式")


# --- profile fields --------------------------------------------------------------------------

def field_name(field: str) -> str:
    table = {
        #: en: Mobile phone
        "phone": lambda: translate("texts", "手机号码"),
        #: en: Home address
        "address": lambda: translate("texts", "常住地址"),
        #: en: Mailing address
        "mailing_address": lambda: translate("texts", "通讯地址"),
        #: en: ID card valid until
        "id_valid_until": lambda: translate("texts", "证件有效期"),
        #: en: Ethnic group
        "ethnicity": lambda: translate("texts", "民族"),
        #: en: Nationality
        "nationality": lambda: translate("texts", "国籍"),
        #: en: Gender
        "gender": lambda: translate("texts", "性别"),
        #: en: Name
        "name": lambda: translate("texts", "姓名"),
        #: en: ID number
        "ssn": lambda: translate("texts", "身份证号码"),
        #: en: Photo
        "photo": lambda: translate("texts", "照片"),
    }
    fn = table.get(field)
    #: en: Information
    return fn() if fn else translate("texts", "信息")


def gender(code: str | None) -> str:
    if code == "1":
        #: en: Male
        return translate("texts", "男")
    if code == "2":
        #: en: Female
        return translate("texts", "女")
    if code == "9":
        #: en: Not stated
        return translate("texts", "未说明")
    return ""


def not_set() -> str:
    #: en: (not on record)
    return translate("texts", "（未登记）")


# --- card status and production stages --------------------------------------------------------

def card_status(status: str | None) -> str:
    table = {
        #: en: In use
        "active": lambda: translate("texts", "正常使用"),
        # the back office's statuses (kiosk.backoffice_types.CARD_STATUSES)
        #: en: Temporarily reported lost
        "temp_lost": lambda: translate("texts", "临时挂失中"),
        #: en: Formally reported lost
        "lost": lambda: translate("texts", "已正式挂失"),
        #: en: Not activated yet
        "not_activated": lambda: translate("texts", "尚未启用"),
        #: en: Cancelled
        "cancelled": lambda: translate("texts", "已注销"),
        #: en: Replaced by a new card
        "replaced": lambda: translate("texts", "已换卡"),
        #: en: Expired
        "expired": lambda: translate("texts", "已过期"),
    }
    fn = table.get(status or "")
    #: en: Unknown
    return fn() if fn else translate("texts", "未知")


def stage(name: str | None) -> str:
    table = {
        #: en: Application accepted
        "accepted": lambda: translate("texts", "申请已受理"),
        #: en: Sent to the province
        "uploaded_to_province": lambda: translate("texts", "已上传省级系统"),
        #: en: Bank account opened
        "bank_account_opened": lambda: translate("texts", "银行账户已开通"),
        #: en: Card manufactured
        "card_manufactured": lambda: translate("texts", "卡片已制作"),
        #: en: Card personalised
        "personalised": lambda: translate("texts", "卡片已写入个人信息"),
        #: en: Delivered to the outlet
        "delivered_to_outlet": lambda: translate("texts", "已送达服务网点"),
        #: en: Ready for pickup
        "ready_for_pickup": lambda: translate("texts", "可以领取"),
        #: en: Collected
        "collected": lambda: translate("texts", "已领取"),
    }
    fn = table.get(name or "")
    #: en: In progress
    return fn() if fn else translate("texts", "办理中")


def application_kind(kind: str | None) -> str:
    if kind == "renewal":
        #: en: New card (renewal)
        return translate("texts", "换卡")
    if kind in ("replacement", "reissue"):
        #: en: Replacement card
        return translate("texts", "补卡")
    if kind in ("first", "first_issue", "new"):
        #: en: First card
        return translate("texts", "首次申领")
    #: en: Card application
    return translate("texts", "制卡申请")


# --- dates -------------------------------------------------------------------------------

def date(value: dt.date | dt.datetime | str | None) -> str:
    """A day in the current locale's words (``2026年11月22日`` / ``22 Nov 2026``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if value == "长期":
            #: en: Long-term
            return translate("texts", "长期")
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    return _day(value)


def _day(d: dt.date) -> str:
    from .i18n import format_date

    return format_date(d)


# --- closed lists the profile pickers show -----------------------------------------------------

def nationality_items() -> list[tuple[str, str]]:
    """ISO 3166 alpha-3 codes of the nationalities most often seen on Chinese cards."""
    return [
        #: en: China
        ("CHN", translate("texts", "中国")),
        #: en: Hong Kong, China
        ("HKG", translate("texts", "中国香港")),
        #: en: Macao, China
        ("MAC", translate("texts", "中国澳门")),
        #: en: Taiwan, China
        ("TWN", translate("texts", "中国台湾")),
        #: en: Korea
        ("KOR", translate("texts", "韩国")),
        #: en: Japan
        ("JPN", translate("texts", "日本")),
        #: en: Viet Nam
        ("VNM", translate("texts", "越南")),
        #: en: Russia
        ("RUS", translate("texts", "俄罗斯")),
        #: en: United States
        ("USA", translate("texts", "美国")),
        #: en: United Kingdom
        ("GBR", translate("texts", "英国")),
        #: en: Germany
        ("DEU", translate("texts", "德国")),
        #: en: France
        ("FRA", translate("texts", "法国")),
        #: en: Singapore
        ("SGP", translate("texts", "新加坡")),
        #: en: Malaysia
        ("MYS", translate("texts", "马来西亚")),
    ]


def ethnicity_name(code: str) -> str:
    from .widgets.ethnicities import ethnicity_items

    return dict(ethnicity_items()).get(code, code)


def nationality_name(code: str) -> str:
    return dict(nationality_items()).get(code, code)
