"""Benchmark: the back-office client's round trip, and the reference server's throughput.

1. Client round trip: ``GET /v1/me/card`` through
   :class:`kiosk.backoffice_client.BackOfficeClient` (signing, the typed answer),
   beside a bare ``requests`` call to the same URL with the same headers
   (signed the same way), interleaved, against the reference server running in
   its own process on loopback (SQLite). Figures: median and p99 of each, and
   ``ratio`` = client median / bare median (target: within 1.3x).
2. Server throughput: requests per second of the same ``GET`` with 1, 8 and 32
   concurrent clients (threads, each with its own HTTP session), bounded in time
   and count, against the server in a separate process (so the client threads do
   not share its GIL), on SQLite and on PostgreSQL (a private server started by
   ``tests/support/postgres.py``). Target: >= 200 rps on SQLite with 8 clients.

``GET /v1/me/card`` needs a citizen session: one is opened for a demo card by the
card flow (``POST /v1/card-auth`` with the demo card's genuine answer under the
spec's test keys, then ``POST /v1/sessions {method: "card"}``). Where the server
does not offer sessions yet, ``GET /v1/health`` is measured instead (the JSON
says which).

    .venv/bin/python bench/backoffice.py [--calls 500] [--seconds 3] [--backends sqlite,postgresql]

Human lines first; the last line is one JSON object: endpoint, client_median_ms,
client_p99_ms, bare_median_ms, bare_p99_ms, ratio, rps ({backend: {clients: rps}}),
errors, targets.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET  # noqa: E402
from kiosk import signing  # noqa: E402
from kiosk.backoffice_client import BackOfficeClient  # noqa: E402
from tests.support import demo_citizen  # noqa: E402
from tests.support.postgres import PrivatePostgres, free_port, unavailable  # noqa: E402

CLIENT_COUNTS = (1, 8, 32)
START_TIMEOUT_S = 30.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


class ServerProcess:
    """``kiosk backoffice serve --demo`` on a loopback port, in its own process."""

    def __init__(self, db_url: str, state_dir: Path):
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.state_dir = state_dir
        self.log_path = state_dir / f"server-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "ServerProcess":
        env = dict(os.environ)
        env["SSC_BACKOFFICE_STATE_DIR"] = str(self.state_dir)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk_cli", "backoffice", "serve", "--db", self.db_url,
                 "--port", str(self.port), "--demo"],
                cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        with requests.Session() as http:
            http.trust_env = False
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the server exited: {self._tail()}")
                try:
                    if http.get(self.url + "/v1/health", timeout=1).status_code == 200:
                        return self
                except requests.RequestException:
                    pass
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"the server did not answer in {START_TIMEOUT_S:.0f} s: {self._tail()}")

    def _tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def __exit__(self, *exc) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Target:
    """What is measured: ``GET /v1/me/card`` with a session token, or ``GET /v1/health``."""

    def __init__(self, url: str):
        self.url = url
        self.citizens = demo_citizen.DemoCitizens(url)
        self.token: str | None = None
        self.path = "/v1/health"
        try:
            citizen = self.citizens.find()
        except demo_citizen.Unavailable as exc:
            print(f"  (no citizen session: {exc}; measuring GET /v1/health instead)")
            citizen = None
        if citizen is not None:
            self.token = citizen.token()
            self.path = "/v1/me/card"

    def headers(self) -> dict[str, str]:
        """The headers the kiosk's client sends, signed now."""
        headers = {"Accept": "application/json"}
        if self.path != "/v1/health":
            headers.update(signing.signed_headers(DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, "GET",
                                                  self.path, b""))
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def client_call(self, client: BackOfficeClient):
        if self.path == "/v1/me/card":
            return client.request("GET", self.path, bearer=self.token)
        return client.health()

    def close(self) -> None:
        self.citizens.close()


def client_vs_bare(target: Target, calls: int, warmup: int = 50) -> dict:
    client = BackOfficeClient(target.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
    if target.path == "/v1/me/card" and hasattr(client, "my_card") \
            and hasattr(client, "open_session_card"):
        # the kiosk's own typed call, on a session the client opened itself
        client.open_session_card(target.citizens.fresh_card_auth_id())
        call_client = client.my_card
    else:
        def call_client():
            return target.client_call(client)
    bare = requests.Session()
    bare.trust_env = False
    url = target.url + target.path
    client_ms: list[float] = []
    bare_ms: list[float] = []

    def bare_call():
        r = bare.get(url, headers=target.headers(), timeout=10)
        if r.status_code != 200:
            raise RuntimeError(f"bare call: HTTP {r.status_code} {r.text[:200]}")
        return r.json()

    try:
        for _ in range(warmup):
            call_client()
            bare_call()
        for i in range(calls):
            # interleaved, alternating which goes first, so drift hits both alike
            order = ((call_client, client_ms), (bare_call, bare_ms))
            for fn, sink in (order if i % 2 == 0 else order[::-1]):
                t0 = time.perf_counter()
                fn()
                sink.append((time.perf_counter() - t0) * 1000)
    finally:
        client.close()
        bare.close()
    return {
        "client_median_ms": statistics.median(client_ms),
        "client_p99_ms": percentile(client_ms, 0.99),
        "bare_median_ms": statistics.median(bare_ms),
        "bare_p99_ms": percentile(bare_ms, 0.99),
    }


def throughput(target: Target, clients: int, seconds: float, max_requests: int) -> tuple[float, int]:
    """Requests per second with ``clients`` threads for ``seconds`` (after a short warm-up)."""
    stop = threading.Event()
    counting = threading.Event()
    done = [0] * clients
    errors = [0] * clients
    url = target.url + target.path
    per_thread_cap = max(1, max_requests // clients)

    def worker(i: int) -> None:
        http = requests.Session()
        http.trust_env = False
        try:
            while not stop.is_set() and done[i] < per_thread_cap:
                try:
                    r = http.get(url, headers=target.headers(), timeout=10)
                    ok = r.status_code == 200
                except requests.RequestException:
                    ok = False
                if counting.is_set():
                    if ok:
                        done[i] += 1
                    else:
                        errors[i] += 1
        finally:
            http.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # warm-up: connections open, server threads busy
    counting.set()
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.02)
    counted = sum(done)
    elapsed = time.perf_counter() - started
    stop.set()
    for t in threads:
        t.join(15)
    return counted / elapsed, sum(errors)


def run_backend(name: str, db_url: str, state_dir: Path, args, results: dict) -> None:
    with ServerProcess(db_url, state_dir) as server:
        target = Target(server.url)
        try:
            if name == "sqlite":
                rt = client_vs_bare(target, args.calls)
                rt["ratio"] = rt["client_median_ms"] / rt["bare_median_ms"]
                results.update(rt)
                results["endpoint"] = f"GET {target.path}"
                print(f"client round trip, GET {target.path} ({args.calls} calls, {name}): "
                      f"BackOfficeClient median {rt['client_median_ms']:.3f} ms, "
                      f"p99 {rt['client_p99_ms']:.3f} ms; bare requests median "
                      f"{rt['bare_median_ms']:.3f} ms, p99 {rt['bare_p99_ms']:.3f} ms; "
                      f"ratio {rt['ratio']:.2f}")
            results["rps"][name] = {}
            for n in CLIENT_COUNTS:
                rps, errors = throughput(target, n, args.seconds, args.max_requests)
                results["rps"][name][str(n)] = round(rps, 1)
                results["errors"][f"{name}/{n}"] = errors
                print(f"throughput, GET {target.path}, {name}, {n:>2} clients: {rps:8.1f} rps"
                      + (f" ({errors} errors)" if errors else ""))
        finally:
            target.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=500, help="round trips of each kind (default 500)")
    p.add_argument("--seconds", type=float, default=3.0, help="per throughput level (default 3)")
    p.add_argument("--max-requests", type=int, default=20000,
                   help="cap of requests per throughput level (default 20000)")
    p.add_argument("--backends", default="sqlite,postgresql")
    args = p.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    results: dict = {"endpoint": None, "rps": {}, "errors": {}}
    with tempfile.TemporaryDirectory(prefix="ssc-bench-bo-") as tmp:
        tmp_path = Path(tmp)
        if "sqlite" in backends:
            state = tmp_path / "sqlite"
            state.mkdir()
            run_backend("sqlite", f"sqlite:///{state / 'backoffice.sqlite3'}", state, args,
                        results)
        if "postgresql" in backends:
            reason = unavailable()
            if reason:
                print(f"PostgreSQL skipped: {reason}")
            else:
                state = tmp_path / "postgresql"
                state.mkdir()
                with PrivatePostgres(fast=False) as pg:
                    url = pg.create_database("bench")
                    run_backend("postgresql", url, state, args, results)

    results["targets"] = {
        "ratio_max": 1.3,
        "ratio_ok": results.get("ratio") is not None and results["ratio"] <= 1.3,
        "sqlite_8_clients_rps_min": 200,
        "sqlite_8_clients_ok": results["rps"].get("sqlite", {}).get("8", 0) >= 200,
    }
    for key in ("client_median_ms", "client_p99_ms", "bare_median_ms", "bare_p99_ms", "ratio"):
        if key in results:
            results[key] = round(results[key], 3)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
