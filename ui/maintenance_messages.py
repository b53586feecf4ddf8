"""What the maintenance mode says to a technician: sign-in refusals, check and replay
results, the names and values of the settings it shows (zh_CN source, ``#: en:`` above
each, as in :mod:`ui.messages`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

# lupdate finds calls named ``translate`` whose context is a literal
translate = QCoreApplication.translate


def maintenance_refused() -> str:
    #: en: The account, PIN or one-time code is not right.
    return translate("maintenance_messages", "工号、密码或动态验证码不正确。")


def maintenance_offline() -> str:
    #: en: The social security system cannot be reached: type this kiosk's local maintenance code.
    return translate("maintenance_messages", "无法连接社保系统：请输入本机的备用维护码。")


def maintenance_locked(until) -> str:
    if until is None:
        #: en: Too many failed attempts: maintenance is locked for a while.
        return translate("maintenance_messages", "失败次数过多，维护模式已暂时锁定。")
    local = until.astimezone() if hasattr(until, "astimezone") else until
    #: en: Too many failed attempts: maintenance is locked until %1.
    return translate("maintenance_messages", "失败次数过多，维护模式已锁定至 %1。").replace(
        "%1", local.strftime("%H:%M") if hasattr(local, "strftime") else str(local))


def maintenance_local_account() -> str:
    #: en: (local code)
    return translate("maintenance_messages", "（本机备用码）")


def maintenance_failed(what: str, code: str) -> str:
    #: en: %1 did not succeed (%2).
    return translate("maintenance_messages", "%1 未成功（%2）。").replace("%1", what).replace("%2", code)


def maintenance_insert_card() -> str:
    #: en: Insert a card into the reader within 30 seconds...
    return translate("maintenance_messages", "请在 30 秒内将卡片插入读卡器……")


def maintenance_checking() -> str:
    #: en: Checking...
    return translate("maintenance_messages", "正在检查……")


def maintenance_checked(total: int, failing: int) -> str:
    if failing:
        #: en: %1 checks, %2 failed.
        return translate("maintenance_messages", "共 %1 项检查，%2 项失败。").replace(
            "%1", str(total)).replace("%2", str(failing))
    #: en: %1 checks, none failed.
    return translate("maintenance_messages", "共 %1 项检查，全部正常。").replace("%1", str(total))


def maintenance_replayed(delivered: int, pending: int) -> str:
    #: en: Sent: %1; still waiting: %2.
    return translate("maintenance_messages", "已补发 %1 笔，仍待发送 %2 笔。").replace(
        "%1", str(delivered)).replace("%2", str(pending))


def maintenance_no_usb() -> str:
    #: en: No USB stick found. Insert one and try again.
    return translate("maintenance_messages", "未检测到U盘，请插入后重试。")


def maintenance_exported(name: str) -> str:
    #: en: Diagnostics bundle saved as %1
    return translate("maintenance_messages", "诊断包已导出：%1").replace("%1", name)


def maintenance_saved(changed: int) -> str:
    #: en: Settings saved (%1 changed).
    return translate("maintenance_messages", "设置已保存（修改 %1 项）。").replace("%1", str(changed))


def setting_name(key: str) -> str:
    names = {
        #: en: Kiosk id
        "kiosk_id": lambda: translate("maintenance_messages", "终端编号"),
        #: en: Back office address
        "backoffice_url": lambda: translate("maintenance_messages", "社保系统地址"),
        #: en: Regional rules
        "jurisdiction": lambda: translate("maintenance_messages", "适用地区规则"),
        #: en: Idle time (seconds)
        "idle_timeout_s": lambda: translate("maintenance_messages", "无操作等待时间（秒）"),
        #: en: Speech volume
        "speech_volume": lambda: translate("maintenance_messages", "语音音量"),
        #: en: Text size at start
        "default_font": lambda: translate("maintenance_messages", "默认字体"),
        #: en: Shuffled PIN keypad
        "shuffle_keypad": lambda: translate("maintenance_messages", "密码键盘乱序"),
        #: en: Speech on at start
        "speech_default_on": lambda: translate("maintenance_messages", "默认开启语音"),
        #: en: High contrast at start
        "high_contrast": lambda: translate("maintenance_messages", "默认高对比"),
        #: en: Camera
        "camera": lambda: translate("maintenance_messages", "摄像头"),
    }
    fn = names.get(key)
    return fn() if fn else key


def setting_value(value) -> str:
    if value is True:
        #: en: on
        return translate("maintenance_messages", "开")
    if value is False:
        #: en: off
        return translate("maintenance_messages", "关")
    if value == "large":
        #: en: large (elderly)
        return translate("maintenance_messages", "大字版")
    if value == "normal":
        #: en: normal
        return translate("maintenance_messages", "标准")
    return str(value)


def maintenance_no_speech() -> str:
    #: en: This kiosk has no speech output.
    return translate("maintenance_messages", "本机未配置语音播报。")


def maintenance_speech_sample() -> str:
    #: en: This is the speech test of the social security card kiosk.
    return translate("maintenance_messages", "这是社会保障卡自助服务终端的语音测试。")
