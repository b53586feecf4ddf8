"""``kiosk install-service``: the systemd units of ``deploy/systemd/``, filled in and installed.

The units are templates with two placeholders: ``@PREFIX@``, the directory the
kiosk is installed in (its ``.venv/bin/kiosk`` is what the units run; by
default the ``/opt/ssc-kiosk`` link that an update switches to a new version)
and ``@USER@``, the account it runs as. :func:`install_units` writes them to
``ROOT/etc/systemd/system/`` (``ROOT`` is ``/`` on the kiosk, or an image
being prepared, or a test's directory). It enables and starts nothing:
:func:`next_steps` says what to run, so installing over SSH never takes the
screen by surprise. See ``docs/deploy.md``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import KioskError
from .files import write_atomically

#: the unit templates: in the source tree beside this package (an editable install, as
#: docs/deploy.md installs), or beside the virtual environment the kiosk is installed in
TEMPLATE_DIRS = (Path(__file__).resolve().parents[1] / "deploy" / "systemd",
                 Path(sys.prefix).parent / "deploy" / "systemd")
UNIT_FILES = ("ssc-kiosk.service", "ssc-kiosk-journal-backup.service",
              "ssc-kiosk-journal-backup.timer")
MAIN_UNIT = "ssc-kiosk.service"
DEFAULT_PREFIX = "/opt/ssc-kiosk"
DEFAULT_USER = "kiosk"
UNIT_DIR = Path("etc/systemd/system")

_USER_RE = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
_PLACEHOLDER_RE = re.compile(r"@[A-Z_]+@")


class ServiceInstallError(KioskError):
    code = "SERVICE_INSTALL"


@dataclass(frozen=True)
class Unit:
    name: str
    text: str


def render(template: str, *, prefix: str, user: str) -> str:
    """``template`` with ``@PREFIX@`` and ``@USER@`` filled in (and no other placeholder)."""
    if not os.path.isabs(prefix) or any(c.isspace() for c in prefix) or "%" in prefix:
        raise ServiceInstallError(f"--prefix must be an absolute path without spaces or %: {prefix!r}")
    if not _USER_RE.fullmatch(user):
        raise ServiceInstallError(f"--user is not a system user name: {user!r}")
    text = template.replace("@PREFIX@", prefix.rstrip("/") or "/").replace("@USER@", user)
    left = _PLACEHOLDER_RE.findall(text)
    if left:
        raise ServiceInstallError(f"unknown placeholders in a unit template: {sorted(set(left))}")
    return text


def template_dir() -> Path:
    """The first of :data:`TEMPLATE_DIRS` that holds the units."""
    for candidate in TEMPLATE_DIRS:
        if (candidate / MAIN_UNIT).is_file():
            return candidate
    raise ServiceInstallError("no unit templates (deploy/systemd/) in "
                              + " or ".join(str(d) for d in TEMPLATE_DIRS))


def units(prefix: str = DEFAULT_PREFIX, user: str = DEFAULT_USER) -> list[Unit]:
    """Every unit, rendered."""
    directory = template_dir()
    return [Unit(name, render((directory / name).read_text(encoding="utf-8"),
                              prefix=prefix, user=user))
            for name in UNIT_FILES]


def install_units(root: str | os.PathLike = "/", prefix: str = DEFAULT_PREFIX,
                  user: str = DEFAULT_USER, *, dry_run: bool = False) -> list[Path]:
    """Write the rendered units to ``ROOT/etc/systemd/system/`` (mode 0644); their paths.

    ``dry_run``: write nothing, return where they would go.
    """
    target_dir = Path(root) / UNIT_DIR
    rendered = units(prefix, user)
    paths = [target_dir / u.name for u in rendered]
    if dry_run:
        return paths
    target_dir.mkdir(parents=True, exist_ok=True)
    for unit, path in zip(rendered, paths):
        write_atomically(path, unit.text, mode=0o644)
    return paths


def is_live_root(root: str | os.PathLike) -> bool:
    """Is ``root`` this running system's ``/`` (where systemctl may act)?"""
    return Path(root).resolve() == Path("/")


def daemon_reload() -> bool:
    """``systemctl daemon-reload`` when systemd runs this system; True if it did."""
    if not Path("/run/systemd/system").is_dir():
        return False
    subprocess.run(["systemctl", "daemon-reload"], check=True, timeout=60)
    return True


def next_steps(root: str | os.PathLike, prefix: str, user: str) -> str:
    """What to run after the units are written (the command prints it)."""
    lines = []
    if not is_live_root(root):
        lines.append(f"# in the system whose root is {root}:")
    lines += [
        f"id {user} >/dev/null 2>&1 || useradd --system --home-dir /var/lib/ssc-kiosk "
        f"--shell /usr/sbin/nologin {user}",
        f"test -x {prefix.rstrip('/')}/.venv/bin/kiosk   # the kiosk the units run",
        "systemctl daemon-reload && systemctl enable --now ssc-kiosk",
        "systemctl enable --now ssc-kiosk-journal-backup.timer   # optional: a daily backup",
        "systemctl set-default graphical.target",
        "journalctl -u ssc-kiosk -f   # watch it start (READY=1 after the first paint)",
    ]
    return "\n".join(lines)
