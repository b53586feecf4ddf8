"""kiosk.sdnotify on a real AF_UNIX datagram socket, as systemd's NOTIFY_SOCKET is."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from kiosk import sdnotify


def _receive(sock: socket.socket) -> str:
    return sock.recv(4096).decode("utf-8")


@pytest.fixture
def notify_socket(tmp_path, monkeypatch):
    """A bound datagram socket and $NOTIFY_SOCKET pointing at it (as systemd sets it up)."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


def test_messages_reach_the_socket(notify_socket):
    assert sdnotify.ready() is True
    assert _receive(notify_socket) == "READY=1"
    assert sdnotify.watchdog_ping() is True
    assert _receive(notify_socket) == "WATCHDOG=1"
    assert sdnotify.status("showing   the\nattract screen") is True
    assert _receive(notify_socket) == "STATUS=showing the attract screen"
    assert sdnotify.stopping("bye") is True
    assert _receive(notify_socket) == "STOPPING=1\nSTATUS=bye"


def test_abstract_namespace(monkeypatch):
    name = f"ssc-kiosk-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(2)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert sdnotify.notify("READY=1") is True
        assert _receive(sock) == "READY=1"


def test_not_under_systemd_is_a_no_op(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sdnotify.ready() is False
    assert sdnotify.watchdog_ping() is False


def test_a_socket_nobody_listens_on_is_false_not_an_exception(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))
    assert sdnotify.watchdog_ping() is False
    monkeypatch.setenv("NOTIFY_SOCKET", "vsock:2:1234")
    assert sdnotify.watchdog_ping() is False


@pytest.mark.parametrize("usec, pid, expected", [
    ("30000000", None, 30.0),
    ("200000", "self", 0.2),
    ("30000000", "other", None),      # the watchdog of another process (a parent, cage)
    ("30000000", "garbage", None),
    (None, None, None),
    ("0", None, None),
    ("-5", None, None),
    ("thirty", None, None),
])
def test_watchdog_interval(monkeypatch, usec, pid, expected):
    for name, value in (("WATCHDOG_USEC", usec), ("WATCHDOG_PID", pid)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            value = {"self": str(os.getpid()), "other": str(os.getpid() + 1)}.get(value, value)
            monkeypatch.setenv(name, value)
    assert sdnotify.watchdog_interval_s() == expected
