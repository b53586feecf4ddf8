"""The kiosk's edges: ``kiosk run`` (the production entry point) loads no back office, and
runs where the back office's web stack is not installed; the commands that need the
reference back office say in one line how to install it.

Each check runs in a fresh interpreter, so that nothing the test session imported
(the suite starts back offices everywhere) hides what the entry point loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.settings import KioskSettings
from kiosk.settings_store import SettingsStore
from tests.support.network import dead_url

ROOT = Path(__file__).resolve().parents[2]
#: the ``backoffice`` extra (pyproject.toml) and the package it serves
BACK_OFFICE = ("backoffice", "flask", "waitress", "werkzeug")

# Run in the child: ``flask``, ``waitress`` and ``werkzeug`` cannot be imported there (None
# in sys.modules: the import fails as when the extra is not installed); prints the
# back-office modules loaded at each point as one JSON line.
CHILD = """
import json, sys
for name in ("flask", "waitress", "werkzeug"):
    sys.modules[name] = None
BACK_OFFICE = ("backoffice", "flask", "waitress", "werkzeug")

def loaded():
    return sorted(m for m, mod in sys.modules.items()
                  if mod is not None and m.split(".")[0] in BACK_OFFICE)

seen = {}
from kiosk_cli.main import build_parser, main
import ui.run
args = build_parser().parse_args(["run"])
seen["imported"] = loaded()
seen["run_command"] = args.func.__module__ + "." + args.func.__name__
STEPS
print(json.dumps(seen))
"""


def child(steps: str, env: dict[str, str] | None = None) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD.replace("STEPS", steps)],
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=90, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_importing_kiosk_run_loads_no_back_office():
    seen = child("")
    assert seen["run_command"] == "kiosk_cli.main.cmd_run"
    assert seen["imported"] == []


def test_kiosk_run_builds_and_runs_without_the_back_office_installed(tmp_path):
    """``kiosk run`` from its settings (the synthetic camera, a back office that does not
    answer, no pcscd), offscreen for a second, then its camera opened and read: nothing
    of the back office is loaded at any point, and Flask is not even importable."""
    secret = tmp_path / "secret"
    secret.write_text("demo-secret-not-for-production\n")
    store = SettingsStore(tmp_path / "settings.json")
    store.save(KioskSettings(kiosk_id="demo-kiosk-001", backoffice_url=dead_url(),
                             secret_file=str(secret), jurisdiction="hubei",
                             camera="synthetic", data_dir=str(tmp_path / "data"),
                             log_dir=str(tmp_path / "log")), actor="install")
    steps = f"""
status = main(["run", "--settings", {str(store.path)!r}, "--quit-after", "1"])
assert status == 0, status
seen["ran"] = loaded()
from kiosk.settings_store import SettingsStore
camera = ui.run.camera_factory(SettingsStore({str(store.path)!r}).load())()
camera.open()
try:
    frame = camera.read()
finally:
    camera.close()
seen["frame"] = list(frame.shape)
seen["camera"] = loaded()
"""
    seen = child(steps, env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
                             # libpcsclite looks for pcscd there: nobody listens (no reader)
                             "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd")})
    assert seen["imported"] == seen["ran"] == seen["camera"] == []
    assert seen["frame"] == [720, 1280, 3]
    log = (tmp_path / "log" / "kiosk.log").read_text("utf-8")
    assert "kiosk demo-kiosk-001 built: jurisdiction hubei" in log


def test_a_back_office_command_without_the_extra_says_how_to_install_it():
    proc = subprocess.run(
        [sys.executable, "-c", "import sys\nsys.modules['flask'] = None\n"
         "from kiosk_cli.main import main\n"
         "sys.exit(main(['backoffice', 'serve', '--port', '0']))"],
        capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "kiosk: this command runs the reference back office, which is not installed here "
        "(no module 'flask'): pip install -e '.[backoffice]' (docs/deploy.md)")
