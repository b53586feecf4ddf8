"""The accessible names of the on-screen keyboard's letter, digit and punctuation keys
(read aloud by a screen reader; translated in the keyboard's own context)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

# lupdate finds calls named ``translate`` whose context is a literal
translate = QCoreApplication.translate


def letter_name(ch: str) -> str:
    """The accessible name of a letter key."""
    #: en: Letter %1
    return translate("PinyinKeyboard", "字母 %1").replace("%1", ch.upper())


def digit_name(ch: str) -> str:
    """The accessible name of a digit key."""
    #: en: Digit %1
    return translate("PinyinKeyboard", "数字 %1").replace("%1", ch)


def symbol_name(ch: str) -> str:
    """The accessible name of a key of the digits and punctuation page."""
    if ch.isdigit():
        return digit_name(ch)
    if ch == "X":
        return letter_name(ch)
    if ch == "-":
        #: en: Hyphen
        return translate("PinyinKeyboard", "连字符")
    if ch == "#":
        #: en: Number sign
        return translate("PinyinKeyboard", "井号")
    if ch == "(":
        #: en: Left parenthesis
        return translate("PinyinKeyboard", "左括号")
    if ch == ")":
        #: en: Right parenthesis
        return translate("PinyinKeyboard", "右括号")
    if ch == "·":
        #: en: Middle dot
        return translate("PinyinKeyboard", "间隔号")
    if ch == "、":
        #: en: Enumeration comma
        return translate("PinyinKeyboard", "顿号")
    if ch == "，":
        #: en: Comma
        return translate("PinyinKeyboard", "逗号")
    if ch == "。":
        #: en: Full stop
        return translate("PinyinKeyboard", "句号")
    if ch == "/":
        #: en: Slash
        return translate("PinyinKeyboard", "斜杠")
    if ch == "：":
        #: en: Colon
        return translate("PinyinKeyboard", "冒号")
    if ch == "；":
        #: en: Semicolon
        return translate("PinyinKeyboard", "分号")
    if ch == "@":
        #: en: At sign
        return translate("PinyinKeyboard", "艾特符号")
    if ch == "*":
        #: en: Asterisk
        return translate("PinyinKeyboard", "星号")
    if ch == "+":
        #: en: Plus sign
        return translate("PinyinKeyboard", "加号")
    #: en: Dot
    return translate("PinyinKeyboard", "点")
