"""The systemd units of deploy/systemd/, as `kiosk install-service` writes them, checked
by systemd itself (`systemd-analyze verify`: syntax, every key known, every value
parsed, the commands executable).

The units run `PREFIX/.venv/bin/kiosk`; the tests install them with ``--prefix`` at a
stand-in kiosk in a temporary directory, so they check the units and not this machine's
installation. `systemd-analyze` and cage (its ExecStart) come from scripts/install.sh;
where they are missing the verify tests are skipped with the reason, in CI they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import service_install
from tests.support.needs import require

UNITS = service_install.UNIT_FILES


def _verify_unavailable() -> str | None:
    if shutil.which("systemd-analyze") is None:
        return "systemd-analyze is not installed (apt package systemd)"
    if not os.access("/usr/bin/cage", os.X_OK):
        return "cage is not installed (apt package cage): the unit's ExecStart"
    return None


@pytest.fixture
def verifiable():
    require(_verify_unavailable(), ci_hint="CI installs systemd and cage: scripts/install.sh")


def kiosk_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk_cli", *args], capture_output=True,
                          text=True, timeout=60)


def stand_in_kiosk(prefix: Path) -> Path:
    """PREFIX/.venv/bin/kiosk: an executable where the units expect the kiosk."""
    exe = prefix / ".venv" / "bin" / "kiosk"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return exe


def install(tmp_path: Path, prefix: Path, *extra: str) -> Path:
    root = tmp_path / "root"
    done = kiosk_cli("install-service", "--root", str(root), "--prefix", str(prefix), *extra)
    assert done.returncode == 0, done.stderr
    assert "systemctl daemon-reload && systemctl enable --now ssc-kiosk" in done.stdout
    return root / "etc" / "systemd" / "system"


def verify(unit_dir: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(["systemd-analyze", "verify", "--man=no",
                           *(str(unit_dir / name) for name in UNITS)],
                          capture_output=True, text=True, timeout=120)
    # shown with -s (and in the report): what systemd said about the units
    print(f"systemd-analyze verify: exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done


def settings(text: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a unit, every value of a repeated key, comments dropped."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            out.setdefault(key, []).append(value)
    return out


def test_installed_units_pass_systemd_analyze_verify(tmp_path, verifiable):
    prefix = tmp_path / "opt" / "ssc-kiosk"
    stand_in_kiosk(prefix)
    unit_dir = install(tmp_path, prefix, "--user", "kiosk")
    assert sorted(p.name for p in unit_dir.iterdir()) == sorted(UNITS)
    done = verify(unit_dir)
    assert done.returncode == 0
    # a warning (an unknown key, a value systemd ignores) is a failure too
    assert done.stdout.strip() == "" and done.stderr.strip() == ""


def test_verify_catches_a_unit_that_cannot_run(tmp_path, verifiable):
    # the same units pointed at a prefix without a kiosk: systemd refuses them
    unit_dir = install(tmp_path, tmp_path / "nowhere")
    done = verify(unit_dir)
    assert done.returncode != 0
    assert "nowhere/.venv/bin/kiosk" in done.stderr


def test_the_kiosk_unit_runs_cage_with_the_watchdog_and_migrates_first(tmp_path):
    prefix = tmp_path / "opt" / "ssc-kiosk"
    unit_dir = install(tmp_path, prefix, "--user", "kiosk7")
    text = (unit_dir / "ssc-kiosk.service").read_text()
    assert not re.search(r"@[A-Z_]+@", text)  # every placeholder filled in
    s = settings(text)
    assert s["Type"] == ["notify"] and s["NotifyAccess"] == ["all"]
    assert s["WatchdogSec"] == ["30"] and s["Restart"] == ["always"] and s["RestartSec"] == ["3"]
    assert s["User"] == ["kiosk7"] and s["SupplementaryGroups"] == ["video input render"]
    assert s["PAMName"] == ["login"] and s["TTYPath"] == ["/dev/tty1"]
    assert s["ExecStartPre"] == [f"{prefix}/.venv/bin/kiosk journal migrate "
                                 f"--journal %S/ssc-kiosk/journal.sqlite3"]
    assert s["ExecStart"] == [f"/usr/bin/cage -d -s -- /usr/bin/env -u WATCHDOG_PID "
                              f"{prefix}/.venv/bin/kiosk run"]
    assert "QT_QPA_PLATFORM=wayland" in s["Environment"]
    after = " ".join(s["After"]).split()
    assert {"pcscd.service", "network-online.target", "getty@tty1.service"} <= set(after)
    backup = settings((unit_dir / "ssc-kiosk-journal-backup.service").read_text())
    assert backup["User"] == ["kiosk7"] and backup["ExecStart"][0].startswith(
        f"{prefix}/.venv/bin/kiosk journal backup ")


def test_dry_run_writes_nothing_and_bad_arguments_are_refused(tmp_path):
    root = tmp_path / "root"
    done = kiosk_cli("install-service", "--root", str(root), "--dry-run")
    assert done.returncode == 0 and "would write" in done.stdout and not root.exists()
    for bad in (["--prefix", "relative/path"], ["--prefix", "/opt/with space"],
                ["--user", "Root; rm"]):
        done = kiosk_cli("install-service", "--root", str(root), *bad)
        assert done.returncode == 1 and done.stderr.startswith("kiosk: ")
    assert not root.exists()
