"""ui/messages.py: every typed error becomes a calm Chinese sentence, never a traceback or a PIN."""

from __future__ import annotations

import inspect
import re

import pytest

from kiosk import errors as e
from ui import messages

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _instances():
    out = []
    for _, cls in inspect.getmembers(e, inspect.isclass):
        if not issubclass(cls, e.KioskError):
            continue
        if cls is e.WrongPin:
            out.append(cls(3))
        elif cls is e.WeakPin:
            out.append(cls("sequence"))
        elif cls is e.CardNotServed:
            out.append(cls("x", reason="algorithm", algorithm=1))
        else:
            out.append(cls("the internals 0x6F00 of the error"))
    return out


@pytest.mark.parametrize("error", _instances(), ids=lambda x: type(x).__name__)
def test_every_error_gets_a_chinese_sentence(qapp, error):
    m = messages.describe(error)
    assert CHINESE.search(m.title) and CHINESE.search(m.text)
    shown = m.title + m.text + m.advice
    assert "0x6F00" not in shown and "internals" not in shown and "Error" not in shown
    assert m.code == error.code


def test_unknown_exceptions_too(qapp):
    m = messages.describe(RuntimeError("Traceback (most recent call last)"))
    assert m.title == "系统出现异常" and "Traceback" not in m.text + m.advice


def test_tries_left(qapp):
    assert messages.wrong_pin(5) == "密码错误，还可尝试 5 次"
    assert messages.wrong_pin(1) == "密码错误，还可尝试 1 次"


@pytest.mark.parametrize("reason", ["initial_pin", "all_same", "sequence", "mismatch", "not_six_digits"])
def test_weak_pin_reasons(qapp, reason):
    text = messages.weak_pin(reason)
    assert CHINESE.search(text)
    assert messages.describe(e.WeakPin(reason)).advice == messages.pin_rule()


def test_the_rule_is_explained(qapp):
    rule = messages.pin_rule()
    assert "123456" in rule and "111111" in rule and "654321" in rule


def test_not_served_sends_to_the_counter(qapp):
    for err in (e.CardNotServed("x", reason="algorithm", algorithm=1),
                e.CardNotServed("x", reason="no_ssc_application")):
        m = messages.describe(err)
        assert m.title == "此卡无法在本机办理" and "柜台" in m.advice


def test_back_office_down(qapp):
    m = messages.describe(e.BackOfficeUnavailable("connection refused"))
    assert m.title == "暂时无法连接社保系统"
    assert messages.describe(e.OutcomeUnknown("read timeout")).title == "无法确认办理结果"
