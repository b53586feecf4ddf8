"""The systemd notification protocol (``sd_notify``), standard library only.

Under ``Type=notify`` systemd passes the path of a datagram socket in
``$NOTIFY_SOCKET``; the service tells it that it is ready (``READY=1``), that it
is still alive (``WATCHDOG=1``, at least once per ``$WATCHDOG_USEC``), that it
is shutting down on purpose (``STOPPING=1``) and a one-line status
(``STATUS=...``, shown by ``systemctl status``). Outside systemd (a developer's
terminal, the tests, the demo) ``$NOTIFY_SOCKET`` is unset and every call is a
no-op returning False, so callers never need to check first.

A small re-implementation rather than a dependency: the protocol is one
``sendto`` of a short text, and the kiosk must not fail to start because a
binding is missing. See ``sd_notify(3)`` and ``sd_watchdog_enabled(3)``.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger("kiosk.sdnotify")

SEND_TIMEOUT_S = 0.5


def _address(value: str) -> str | None:
    """The socket address of ``$NOTIFY_SOCKET``: a path, or ``@name`` = the abstract namespace."""
    if value.startswith("@"):
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None  # e.g. vsock:..., which a kiosk never gets


def notify(message: str) -> bool:
    """Send ``message`` (``"READY=1"``, ``"WATCHDOG=1\\nSTATUS=..."``) to systemd.

    Returns True when it was sent; False when not running under systemd
    (no ``$NOTIFY_SOCKET``) or when sending failed (logged, never raised: a
    missed notification must not take the kiosk down).
    """
    value = os.environ.get("NOTIFY_SOCKET")
    if not value:
        return False
    address = _address(value)
    if address is None:
        log.warning("NOTIFY_SOCKET=%r is not a unix socket address; not notifying", value)
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            # a datagram queue that nobody reads fills up (10 messages): never block the
            # caller (the GUI thread) for long on it
            sock.settimeout(SEND_TIMEOUT_S)
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError as exc:
        log.warning("could not notify systemd (%s): %s", message.split("\n", 1)[0], exc)
        return False
    return True


def ready(status_text: str | None = None) -> bool:
    """``READY=1``: start-up is over (``Type=notify`` units count as started only now)."""
    return notify("READY=1" + (f"\nSTATUS={status_text}" if status_text else ""))


def watchdog_ping() -> bool:
    """``WATCHDOG=1``: still alive; must come at least once per :func:`watchdog_interval_s`."""
    return notify("WATCHDOG=1")


def stopping(status_text: str | None = None) -> bool:
    """``STOPPING=1``: shutting down on purpose (no watchdog pings from now on)."""
    return notify("STOPPING=1" + (f"\nSTATUS={status_text}" if status_text else ""))


def status(text: str) -> bool:
    """``STATUS=text``: one line for ``systemctl status``."""
    return notify("STATUS=" + " ".join(text.split()))


def watchdog_interval_s() -> float | None:
    """The watchdog timeout in seconds (``$WATCHDOG_USEC``), or None when there is none.

    Like ``sd_watchdog_enabled(3)``: when ``$WATCHDOG_PID`` is set, the watchdog
    is this process's only if it names this process (a child that inherited the
    environment must not ping on its parent's behalf). Ping at half this interval.
    """
    raw = os.environ.get("WATCHDOG_USEC")
    if not raw:
        return None
    try:
        usec = int(raw)
    except ValueError:
        log.warning("WATCHDOG_USEC=%r is not a number; no watchdog", raw)
        return None
    if usec <= 0:
        return None
    pid = os.environ.get("WATCHDOG_PID")
    if pid:
        try:
            if int(pid) != os.getpid():
                return None
        except ValueError:
            log.warning("WATCHDOG_PID=%r is not a number; no watchdog", pid)
            return None
    return usec / 1_000_000
