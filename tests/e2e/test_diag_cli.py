"""``kiosk diag`` as a technician runs it: a real process against a real pcscd with the vpcd
reader and a software card, the reference back office over HTTP, a camera (a video file
OpenCV opens like a device), a real journal, espeak-ng.

Everything up: exit 0. Then one thing down at a time (pcscd, the back office, the camera):
exit 1, and that check, only that one, fails with a line that names it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from backoffice.config import BackOfficeConfig
from backoffice.server import EmbeddedBackOffice
from kiosk.journal import Journal
from tests.e2e.conftest import E2E_TIMEOUT_S
from tests.support.scene_video import write_scene_video
from tests.support.network import dead_url

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(E2E_TIMEOUT_S)]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    db = tmp_path_factory.mktemp("diag-bo") / "bo.sqlite3"
    with EmbeddedBackOffice(BackOfficeConfig.for_demo(db_url=f"sqlite:///{db}",
                                                      jurisdiction="hubei")) as bo:
        yield bo


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return write_scene_video(tmp_path_factory.mktemp("diag-camera") / "scene.avi", frames=30)


@pytest.fixture
def healthy(soft_card, office, video, tmp_path) -> dict[str, str]:
    """The options of a kiosk where everything works (a card in reader 0)."""
    data_dir = tmp_path / "kiosk"
    data_dir.mkdir()
    journal = data_dir / "journal.sqlite3"
    Journal(journal).close()
    return {"--backoffice": office.url, "--camera": str(video), "--data-dir": str(data_dir),
            "--journal": str(journal), "--jurisdiction": "hubei"}


def kiosk_diag(options: dict[str, str], *, json_output: bool = True,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "kiosk_cli", "diag", *(["--json"] if json_output else [])]
    for key, value in options.items():
        argv += [key, value]
    environment = {k: v for k, v in os.environ.items() if k != "PCSCLITE_CSOCK_NAME"}
    environment.update(env or {})
    return subprocess.run(argv, capture_output=True, text=True, timeout=90, env=environment)


def statuses(proc: subprocess.CompletedProcess) -> tuple[dict, dict[str, dict]]:
    assert "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    return report, {c["name"]: c for c in report["checks"]}


def only_failure(proc: subprocess.CompletedProcess) -> dict:
    """The one failed check (the test fails if there are none or several)."""
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report, checks = statuses(proc)
    assert report["ok"] is False and report["status"] == "fail"
    failed = [c for c in checks.values() if c["status"] == "fail"]
    assert len(failed) == 1, [(c["name"], c["summary"]) for c in failed]
    print(f"{failed[0]['name']}: {failed[0]['summary']}")  # shown with -s
    return failed[0]


def test_everything_up_exits_0(healthy, soft_card, office):
    proc = kiosk_diag(healthy)
    print(proc.stdout)  # shown with -s: the report of a healthy kiosk
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report, checks = statuses(proc)
    assert report["ok"] is True
    assert checks["pcsc"]["status"] == "ok"
    reader = checks[f"reader:{soft_card.reader}"]
    assert reader["status"] == "ok", reader["summary"]
    assert reader["detail"]["atr"] == soft_card.atr.hex().upper()
    assert reader["detail"]["card"]["card_no"] == "A10000001"
    assert reader["detail"]["trace"] and all(line.startswith("> ") for line in reader["detail"]["trace"])
    assert checks["camera"]["status"] == "ok" and checks["camera"]["detail"]["faces"] == 1
    assert checks["backoffice"]["status"] == "ok"
    assert checks["backoffice"]["detail"]["policy"]["jurisdiction"] == "hubei"
    for name in ("disk", "journal", "version", "rule_pack"):
        assert checks[name]["status"] == "ok", checks[name]["summary"]
    # without espeak-ng the kiosk runs silent: a warning, never a failure
    assert checks["speech"]["status"] in ("ok", "warning")


def test_pcscd_stopped(healthy, tmp_path):
    # libpcsclite looks for pcscd at $PCSCLITE_CSOCK_NAME: nobody listens there
    proc = kiosk_diag(healthy, env={"PCSCLITE_CSOCK_NAME": str(tmp_path / "none")})
    failed = only_failure(proc)
    assert failed["name"] == "pcsc"
    assert "PC/SC service not running" in failed["summary"]
    _, checks = statuses(proc)
    assert not [name for name in checks if name.startswith("reader:")]


def test_backoffice_down(healthy):
    url = dead_url()
    failed = only_failure(kiosk_diag({**healthy, "--backoffice": url}))
    assert failed["name"] == "backoffice"
    assert failed["summary"].startswith(f"back office unreachable at {url}")


def test_no_camera(healthy):
    failed = only_failure(kiosk_diag({**healthy, "--camera": "/dev/video99"}))
    assert failed["name"] == "camera" and failed["summary"] == "no camera at /dev/video99"


def test_human_output_one_line_per_check(healthy, soft_card):
    proc = kiosk_diag({**healthy, "--camera": "/dev/video99"}, json_output=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    names = [line.split()[1] for line in lines]
    assert names[:3] == ["pcsc", "reader:Virtual", "reader:Virtual"]  # the reader names have spaces
    camera = next(line for line in lines if line.split()[1] == "camera")
    assert camera.split(None, 2) == ["FAIL", "camera", "no camera at /dev/video99"]
    assert all(line.split()[0] in ("OK", "WARN", "FAIL") for line in lines)


def test_the_settings_file_gives_the_defaults(healthy, tmp_path):
    """On a deployed kiosk `kiosk diag` needs no options: its settings say what to check."""
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({
        "kiosk_id": "diag-kiosk", "backoffice_url": healthy["--backoffice"],
        "jurisdiction": "hainan", "camera": "none", "data_dir": healthy["--data-dir"]}),
        encoding="utf-8")
    proc = kiosk_diag({"--settings": str(settings)})
    report, checks = statuses(proc)
    assert "camera" not in checks                                  # camera "none"
    assert checks["rule_pack"]["detail"]["jurisdiction"] == "hainan"
    assert checks["backoffice"]["detail"]["url"] == healthy["--backoffice"]
    assert checks["journal"]["detail"]["path"] == healthy["--journal"]
    # an option still wins over the file
    proc = kiosk_diag({"--settings": str(settings), "--jurisdiction": "hubei"})
    assert statuses(proc)[1]["rule_pack"]["detail"]["jurisdiction"] == "hubei"
