"""Diagnostics of the hardware: the PC/SC service, each reader and its card, the camera.

The results are :class:`kiosk.check_results.CheckResult` objects, run by the same
engine as the other checks (:func:`kiosk.diagnostics.run_checks`).

- :func:`check_pcsc`: is pcscd there ("service not running" and "no reader" are
  different failures), then one result per reader (:func:`check_reader`): card
  present, its ATR, and for a card its public data (EF05, read before any
  authentication, so no PIN and no holder data) with the redacted APDU trace
  of that read.
- :func:`check_camera`: opens the camera, measures frames per second over about a
  second, runs the face detector of the photo step on a frame.
- :func:`wait_for_card` and :func:`insert_card_test`: the maintenance screen's live
  "insert a card" test.

pyscard and OpenCV are imported inside the functions, so a machine without one of
them gets a failed check that says so, not an import error for the whole
diagnostics.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kiosk.check_results import CheckResult, fail, ok, warning
from kiosk.diagnostics import Check
from kiosk.errors import CardError, CardNotServed, KioskError, NoReader, ReaderServiceDown

if TYPE_CHECKING:  # pragma: no cover
    from devices.camera.base import Camera
    from devices.card.transport import ReaderBackend

#: how long one card command may take during the reader check
CARD_TIMEOUT_S = 5.0
#: how long the camera check counts frames
CAMERA_MEASURE_S = 1.0
#: below this many frames per second the live preview stutters: a warning
CAMERA_MIN_FPS = 10.0
CAMERA_OPEN_TIMEOUT_S = 5.0
#: a live "insert a card" test waits this long by default
INSERT_CARD_TIMEOUT_S = 30.0

_CODE = re.compile(r"SCARD_[A-Z]_[A-Z_]+")
_NOT_RUNNING = ("SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED")


def _reader_name(reader: str) -> str:
    return f"reader:{reader}"


def _pcsc_backend() -> "ReaderBackend":
    from devices.card.pcsc import PcscBackend

    return PcscBackend(timeout=CARD_TIMEOUT_S)


# --- PC/SC and readers ---------------------------------------------------------------------

def check_pcsc(backend: "ReaderBackend | None" = None, *, read_cards: bool = True) -> list[CheckResult]:
    """``pcsc`` (the service and how many readers), then ``reader:<name>`` for each reader.

    ``backend``: any :class:`~devices.card.transport.ReaderBackend` (default: pcscd
    through :class:`~devices.card.pcsc.PcscBackend`, closed afterwards).
    """
    own = backend is None
    backend = backend or _pcsc_backend()
    started = time.monotonic()
    try:
        try:
            readers = backend.readers()
        except ReaderServiceDown as exc:
            code = _CODE.search(str(exc))
            code_name = code.group(0) if code else exc.code
            what = "not running" if code_name in _NOT_RUNNING else "not answering"
            return [fail("pcsc", f"PC/SC service {what} ({code_name}): start pcscd",
                         service=False, error=exc.code, pcsc_code=code_name)]
        if not readers:
            return [fail("pcsc", "PC/SC service running but no card reader connected",
                         service=True, readers=[])]
        results = [replace(ok("pcsc", f"PC/SC service running, {len(readers)} reader"
                                      f"{'s' if len(readers) != 1 else ''}",
                              service=True, readers=readers),
                           ms=(time.monotonic() - started) * 1000)]
        for reader in readers:
            started = time.monotonic()
            result = check_reader(reader, backend=backend, read_card=read_cards)
            results.append(replace(result, ms=(time.monotonic() - started) * 1000))
        return results
    finally:
        if own:
            backend.close()  # type: ignore[attr-defined]


def _trace_lines(trace) -> list[str]:
    return [f"> {e.command}  < {e.response}  ({e.ms:.1f} ms)" for e in trace.entries()]


def check_reader(reader: str, *, backend: "ReaderBackend | None" = None,
                 read_card: bool = True) -> CheckResult:
    """One reader: is a card in it, its ATR, and (``read_card``) its public data.

    ``ok`` for an empty reader and for a card read; ``warning`` for a card that is
    there but cannot be served (another card, a DES card, a mute card): the reader
    works, the card does not; ``fail`` when the reader or the service goes away.
    The detail's ``trace`` holds this read's APDUs, redacted by
    :mod:`devices.card.trace` like every trace of the kiosk.
    """
    from devices.card.ssc import read_card_info
    from devices.card.trace import ApduTrace
    from devices.card.transport import CardChannel

    name = _reader_name(reader)
    own = backend is None
    backend = backend or _pcsc_backend()
    detail: dict[str, Any] = {"reader": reader}
    trace = ApduTrace(size=100)
    try:
        try:
            present = backend.has_card(reader)
        except (NoReader, ReaderServiceDown) as exc:
            return fail(name, f"reader {reader} cannot be used: {exc}", **detail, error=exc.code)
        detail["card_present"] = present
        if not present:
            return ok(name, "ready, no card in it", **detail)
        started = time.monotonic()
        try:
            transport = backend.connect(reader)
        except (NoReader, ReaderServiceDown) as exc:
            return fail(name, f"reader {reader} cannot be used: {exc}", **detail, error=exc.code)
        except CardError as exc:
            return warning(name, f"a card is in it but does not answer: {exc}", **detail,
                           error=exc.code)
        try:
            atr = transport.atr()
            detail["atr"] = atr.hex().upper()
            if not read_card:
                return ok(name, f"card present, ATR {detail['atr']}", **detail)
            try:
                _, info = read_card_info(CardChannel(transport, trace), None)
            except CardNotServed as exc:
                detail["trace"] = _trace_lines(trace)
                return warning(name, f"card present (ATR {detail['atr']}) but not served here: {exc}",
                               **detail, error=exc.code)
            except (NoReader, ReaderServiceDown) as exc:
                detail["trace"] = _trace_lines(trace)
                return fail(name, f"reader {reader} went away during the read: {exc}", **detail,
                            error=exc.code)
            except KioskError as exc:
                detail["trace"] = _trace_lines(trace)
                return warning(name, f"card present (ATR {detail['atr']}) but its read failed: {exc}",
                               **detail, error=exc.code)
        finally:
            transport.close()
        ms = (time.monotonic() - started) * 1000
        public = info.to_json_dict()
        detail["card"] = {k: public[k] for k in ("algorithm", "card_no", "card_id_code", "region",
                                                  "card_type", "spec_version")}
        detail["read_ms"] = round(ms, 1)
        detail["trace"] = _trace_lines(trace)
        return ok(name, f"{info.algorithm} card read in {ms:.0f} ms (spec {info.card.spec_version}, "
                        f"region {info.card.region}, ATR {detail['atr']})", **detail)
    finally:
        if own:
            backend.close()  # type: ignore[attr-defined]


def wait_for_card(reader: str, timeout: float = INSERT_CARD_TIMEOUT_S, *,
                  backend: "ReaderBackend | None" = None, cancel: threading.Event | None = None,
                  poll_s: float = 0.1) -> bool:
    """Wait until ``reader`` holds a card: True, or False after ``timeout`` seconds or once
    ``cancel`` is set. Raises ``ReaderServiceDown`` / ``NoReader`` when those go away.

    pcscd notices a card within about 0.4 s, so polling is as quick as waiting on it.
    """
    own = backend is None
    backend = backend or _pcsc_backend()
    deadline = time.monotonic() + timeout
    try:
        while True:
            if backend.has_card(reader):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if cancel is not None:
                if cancel.wait(min(poll_s, left)):
                    return False
            else:
                time.sleep(min(poll_s, left))
    finally:
        if own:
            backend.close()  # type: ignore[attr-defined]


def insert_card_test(reader: str, timeout: float = INSERT_CARD_TIMEOUT_S, *,
                     backend: "ReaderBackend | None" = None,
                     cancel: threading.Event | None = None) -> CheckResult:
    """The live test: wait for a card in ``reader``, then :func:`check_reader` it
    (ATR, public data, trace). ``fail`` when no card came within ``timeout``;
    ``warning`` when ``cancel`` was set first."""
    name = _reader_name(reader)
    try:
        arrived = wait_for_card(reader, timeout, backend=backend, cancel=cancel)
    except (NoReader, ReaderServiceDown) as exc:
        return fail(name, f"reader {reader} cannot be used: {exc}", reader=reader, error=exc.code)
    if not arrived:
        if cancel is not None and cancel.is_set():
            return warning(name, "card test cancelled", reader=reader, card_present=False)
        return fail(name, f"no card was inserted within {timeout:g} s", reader=reader,
                    card_present=False)
    return check_reader(reader, backend=backend)


# --- the camera ---------------------------------------------------------------------------------

def parse_camera_source(text: str | None) -> int | str | None:
    """``"0"`` -> 0 (a device index), ``"none"``/empty -> None (no camera), else a path or URL."""
    if text is None or text.strip().lower() in ("", "none"):
        return None
    text = text.strip()
    return int(text) if text.isdigit() else text


def _source_kind(source: Any) -> str:
    if isinstance(source, int):
        return "device"
    if isinstance(source, str):
        if "://" in source:
            return "url"
        return "file" if os.path.isfile(source) else "device"
    return "camera"


def check_camera(source: "int | str | Camera", *, measure_s: float = CAMERA_MEASURE_S,
                 open_timeout: float = CAMERA_OPEN_TIMEOUT_S) -> CheckResult:
    """Open the camera (an index, a device path, a video file, a URL, or a
    :class:`~devices.camera.base.Camera`), count frames for ``measure_s`` seconds, run
    the photo step's face detector on the last frame.

    ``fail`` when the camera is missing ("no camera at /dev/video0"), busy, or stops
    giving frames; ``warning`` under :data:`CAMERA_MIN_FPS`. No face in front of the
    kiosk is normal: the detector ran, the count is 0. A video file that ends during the
    count is fine (its frames per second are how fast it decodes).
    """
    from devices.camera.base import Camera, CameraError, CameraMissing, CameraTimeout, CameraUnplugged
    from kiosk.photo.guidance import detect_faces

    kind = _source_kind(source)
    if isinstance(source, Camera):
        camera, label = source, source.info.name
    else:
        from devices.camera.opencv import OpenCvCamera

        camera = OpenCvCamera(source, open_timeout=open_timeout)
        label = camera.info.name
    detail: dict[str, Any] = {"source": label, "kind": kind}
    opened_here = not camera.is_open
    try:
        try:
            camera.open()
        except CameraMissing as exc:
            return fail("camera", str(exc), **detail, error=exc.code)
        except CameraError as exc:
            return fail("camera", f"camera {label} cannot be used: {exc}", **detail, error=exc.code)
        frames, last = 0, None
        started = time.monotonic()
        while time.monotonic() - started < measure_s:
            try:
                last = camera.read(timeout=1.0)
            except CameraUnplugged as exc:
                if kind == "file" and frames:
                    break  # the video ended: what we counted is the measurement
                return fail("camera", f"camera {label} stopped giving frames: {exc}", **detail,
                            error=exc.code, frames=frames)
            except CameraTimeout as exc:
                return fail("camera", f"camera {label} gives no frames: {exc}", **detail,
                            error=exc.code, frames=frames)
            frames += 1
        elapsed = max(time.monotonic() - started, 1e-6)
        fps = frames / elapsed
        assert last is not None
        height, width = last.shape[:2]
        faces = detect_faces(last)
        detail.update(width=width, height=height, fps=round(fps, 1),
                      nominal_fps=round(camera.info.fps, 1), frames=frames,
                      faces=len(faces), face_boxes=[[b.x, b.y, b.w, b.h] for b in faces])
        if fps < CAMERA_MIN_FPS:
            # the problem in the place of the face count (in ``detail``): a summary no longer
            # than the ok one fits its row of the maintenance screen
            return warning("camera", f"{label}: {width}x{height}, only {fps:.0f} frames/s: "
                                     "the preview will stutter", **detail)
        return ok("camera", f"{label}: {width}x{height}, {fps:.0f} frames/s, face detection on "
                            f"({len(faces)} face{'s' if len(faces) != 1 else ''} in view)",
                  **detail)
    finally:
        if opened_here:
            camera.close()


# --- the device checks, ready to run ----------------------------------------------------------

def device_checks(camera: "int | str | Camera | None" = 0, *,
                  backend: "ReaderBackend | None" = None, read_cards: bool = True) -> list[Check]:
    """The hardware checks: PC/SC with its readers, then the camera (none when ``camera``
    is None: a kiosk configured without one)."""
    checks = [Check("pcsc", lambda: check_pcsc(backend, read_cards=read_cards),
                    timeout_s=10 + 3 * CARD_TIMEOUT_S)]
    if camera is not None:
        checks.append(Check("camera", lambda: check_camera(camera),
                            timeout_s=CAMERA_OPEN_TIMEOUT_S + CAMERA_MEASURE_S + 10))
    return checks
