"""Benchmark: from a card's insertion event to the holder data being ready.

Everything is real: a private pcscd with the vpcd driver, the project's software
card attached over TCP, the PC/SC watcher that sees the insertion, the kiosk's
PC/SC transport and SSC protocol, and the reference back office over HTTP on
loopback for the HSM step.

Measured, per insertion: the time from the watcher's ``inserted`` event to the
``CardInfo`` with the holder data (connect, select, read, authenticate with the
back office, read the guarded records).

The floor, in the same run: on an already connected card, the same APDU
sequence sent with bare pyscard (``SCardTransmit`` in a loop) plus one bare
``requests.post`` to the same ``/v1/card-auth`` endpoint.

    .venv/bin/python bench/card_read.py [--insertions 50]

The last line is one JSON object: median_ms, p95_ms, floor_median_ms, ratio.
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from smartcard import scard  # noqa: E402

from backoffice.server import EmbeddedBackOffice  # noqa: E402
from devices.card.emulator.card import SoftCard  # noqa: E402
from devices.card.emulator.profile import demo_profiles, load_profile  # noqa: E402
from devices.card.emulator.vpcd import VpcdBridge  # noqa: E402
from devices.card.pcsc import PcscBackend  # noqa: E402
from devices.card.pcscd_harness import Pcscd, free_port_pair  # noqa: E402
from devices.card.ssc import read_card_info  # noqa: E402
from devices.card.transport import CardChannel  # noqa: E402
from devices.card.watcher import PcscWatcher  # noqa: E402
from kiosk.backoffice_client import BackOfficeClient, hsm_step  # noqa: E402
from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET  # noqa: E402
from kiosk.signing import signature  # noqa: E402

WAIT_S = 5.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


class Recording:
    """A transport wrapper that remembers the commands, for the floor's replay."""

    def __init__(self, inner):
        self.inner = inner
        self.reader = inner.reader
        self.commands: list[bytes] = []

    def atr(self) -> bytes:
        return self.inner.atr()

    def transmit(self, apdu: bytes) -> bytes:
        self.commands.append(bytes(apdu))
        return self.inner.transmit(apdu)

    def close(self) -> None:
        self.inner.close()


def wait_for(events: "queue.Queue", kind: str) -> float:
    deadline = time.monotonic() + WAIT_S
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {kind} event within {WAIT_S} s")
        ev, at = events.get(timeout=left)
        if ev.kind == kind:
            return at


def kiosk_read(backend: PcscBackend, reader: str, step) -> list[bytes]:
    """One read as the kiosk does it; returns the commands sent (for the floor)."""
    transport = backend.connect(reader)
    rec = Recording(transport)
    try:
        _, info = read_card_info(CardChannel(rec, trace=None), step)
    finally:
        transport.close()
    assert info.holder is not None and info.holder.name
    return rec.commands


class BareFloor:
    """The same APDUs on an already connected card with bare pyscard, plus one bare POST."""

    def __init__(self, reader: str, office_url: str, body: bytes):
        self.reader, self.url, self.body = reader, office_url + "/v1/card-auth", body
        self.session = requests.Session()
        hr, self.ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)

    def run(self, commands: list[bytes]) -> float:
        hr, handle, proto = scard.SCardConnect(self.ctx, self.reader, scard.SCARD_SHARE_SHARED,
                                               scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        assert hr == scard.SCARD_S_SUCCESS, scard.SCardGetErrorMessage(hr)
        try:
            start = time.perf_counter()  # the card is connected: the floor starts here
            for apdu in commands:
                scard.SCardTransmit(handle, proto, list(apdu))
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/json", "X-Kiosk-Id": DEMO_KIOSK_ID, "X-Timestamp": ts,
                       "Idempotency-Key": str(uuid.uuid4()),
                       "X-Signature": signature(DEMO_KIOSK_SECRET, "POST", "/v1/card-auth", ts, self.body)}
            r = self.session.post(self.url, data=self.body, headers=headers, timeout=5)
            done = time.perf_counter()
            assert r.status_code == 200, r.text
        finally:
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
        return (done - start) * 1000

    def close(self) -> None:
        scard.SCardReleaseContext(self.ctx)
        self.session.close()


def measure(n: int, bridge: VpcdBridge, card: SoftCard, backend: PcscBackend,
            events: "queue.Queue", client: BackOfficeClient, office_url: str):
    """Interleaved, so that both figures see the same machine: per insertion, the
    kiosk's read (timed from the insertion event), then the floor on the same card."""
    step = hsm_step(client)
    bridge.insert(card)
    wait_for(events, "inserted")
    reader = backend.readers()[0]
    floor = BareFloor(reader, office_url, card_auth_body_for(backend, reader, client))
    bridge.remove()
    wait_for(events, "removed")
    times: list[float] = []
    floors: list[float] = []
    commands: list[bytes] = []
    try:
        for i in range(n + 3):  # three warm-up insertions
            bridge.insert(card)
            at = wait_for(events, "inserted")
            commands = kiosk_read(backend, reader, step)
            done = time.perf_counter()
            floor_ms = floor.run(commands)
            if i >= 3:
                times.append((done - at) * 1000)
                floors.append(floor_ms)
            bridge.remove()
            wait_for(events, "removed")
    finally:
        floor.close()
    return times, floors, commands


def card_auth_body_for(backend: PcscBackend, reader: str, client: BackOfficeClient) -> bytes:
    """A valid /v1/card-auth body for this card, captured from one real authentication."""
    captured = {}
    real = hsm_step(client)

    def capture(req):
        captured["body"] = json.dumps({
            "card_no": req.card_no, "card_id_code": req.card_id_code.hex().upper(),
            "internal_random_hex": req.internal_random.hex().upper(),
            "internal_response_hex": req.internal_response.hex().upper(),
            "external_challenge_hex": req.external_challenge.hex().upper(),
        }).encode()
        return real(req)

    with backend.connect(reader) as transport:
        read_card_info(CardChannel(transport, trace=None), capture)
    return captured["body"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--insertions", type=int, default=50)
    args = ap.parse_args(argv)

    port = free_port_pair()
    card = SoftCard(load_profile(demo_profiles()["ordinary"]), state_path=None)
    events: "queue.Queue" = queue.Queue()
    with Pcscd(port=port) as daemon, EmbeddedBackOffice() as office:
        client = BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
        bridge = VpcdBridge(None, port=daemon.slot_port(0))
        bridge.start()
        watcher = PcscWatcher()
        watcher.subscribe(lambda ev: events.put((ev, time.perf_counter())))
        watcher.start()
        backend = PcscBackend()
        try:
            times, floor, commands = measure(args.insertions, bridge, card, backend, events, client, office.url)
        finally:
            watcher.stop()
            bridge.stop()
            client.close()

    median, p95 = statistics.median(times), percentile(times, 0.95)
    floor_median = statistics.median(floor)
    print(f"insertions: {len(times)}, APDUs per read: {len(commands)}")
    print(f"insertion event -> holder data: median {median:.2f} ms, p95 {p95:.2f} ms")
    print(f"floor (bare pyscard, same APDUs, + one bare requests.post): median {floor_median:.2f} ms")
    print(f"ratio: {median / floor_median:.2f}")
    print(json.dumps({"median_ms": round(median, 3), "p95_ms": round(p95, 3),
                      "floor_median_ms": round(floor_median, 3), "ratio": round(median / floor_median, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
