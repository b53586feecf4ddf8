"""Running the back office: embedded (thread) and as its own process."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from backoffice.config import BackOfficeConfig
from backoffice.server import EmbeddedBackOffice, serve_from_args
from backoffice.testing import Kiosk
from bo_support import kat_body
from tests.support.network import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_embedded_default_is_demo_on_a_temporary_file():
    bo = EmbeddedBackOffice()
    assert bo.config.demo
    bo.start()
    try:
        assert bo.url.startswith("http://127.0.0.1:")
        db_file = Path(bo.config.db_url.removeprefix("sqlite:///"))
        assert db_file.exists()
        raw = Kiosk(bo.url)  # the demo pair
        assert raw.send("POST", "/v1/card-auth", kat_body()).status_code == 200
        raw.close()
    finally:
        bo.stop()
    assert not db_file.parent.exists()
    assert not bo.running
    bo.stop()  # twice is fine


def test_embedded_stops_quickly_with_open_connections(tmp_path):
    bo = EmbeddedBackOffice(BackOfficeConfig.for_tests()).start()
    http = requests.Session()
    http.trust_env = False
    assert http.get(bo.url + "/v1/health", timeout=5).status_code == 200  # keep-alive stays open
    idle = socket.create_connection(("127.0.0.1", bo.port), timeout=5)  # says nothing
    started = time.monotonic()
    bo.stop()
    assert time.monotonic() - started < 2.0
    idle.close()
    http.close()
    try:
        requests.get(bo.url + "/v1/health", timeout=1)
    except requests.ConnectionError:
        pass
    except RuntimeError:  # url of a stopped server
        pass
    else:
        raise AssertionError("the server still answers")


def test_serve_from_args_runs_a_process_that_stops_on_sigterm(tmp_path):
    port = free_port()
    code = ("import sys; from backoffice.server import serve_from_args; "
            f"sys.exit(serve_from_args(db='sqlite:///{tmp_path}/bo.sqlite3', port={port}, "
            "jurisdiction='hubei', demo=True))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSC_BACKOFFICE_")}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                health = requests.get(url + "/v1/health", timeout=1)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert health.json()["policy"]["jurisdiction"] == "hubei"
        raw = Kiosk(url)
        assert raw.send("POST", "/v1/card-auth", kat_body()).status_code == 200
        raw.close()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "GET /v1/health 200" in err and "POST /v1/card-auth 200" in err
    assert "420100D156000005A1B2C3D4E5F60718" not in err


def test_serve_from_args_serves_the_named_pack_and_logs_sms_codes(tmp_path):
    """``kiosk backoffice serve --jurisdiction hainan --demo``: Hainan's pack, codes in the log."""
    from backoffice.demo_data import PEOPLE

    port = free_port()
    code = ("import sys, logging; logging.basicConfig(level=logging.ERROR); "
            "from backoffice.server import serve_from_args; "
            f"sys.exit(serve_from_args(db='sqlite:///{tmp_path}/bo.sqlite3', port={port}, "
            "jurisdiction='hainan', demo=True))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSC_BACKOFFICE_")}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    person = PEOPLE["hainan_active"]
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                health = requests.get(url + "/v1/health", timeout=1)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert health.json()["policy"] == {"jurisdiction": "hainan", "version": "1"}
        raw = Kiosk(url)
        r = raw.send("POST", "/v1/sessions", {"method": "sms", "ssn": person.ssn,
                                              "name": person.name})
        raw.close()
        assert r.status_code == 200, r.text
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    masked = f"{person.phone[:3]}****{person.phone[-4:]}"
    assert f"SMS code for {masked}: " in err  # INFO, although the root logger says ERROR
    assert person.phone not in err and person.ssn not in err


def test_serve_from_args_refuses_an_unknown_jurisdiction(capsys):
    assert serve_from_args(db="sqlite:///:memory:", port=0, jurisdiction="atlantis",
                           demo=True) == 2
    assert "atlantis" in capsys.readouterr().err
