"""Benchmark: live photo guidance on 1280 x 720 frames, capture to file, preview rate.

Measured, on this machine:

- guidance: ``kiosk.photo.guidance.guide()`` on synthetic 1280 x 720 portrait
  frames with sensor noise and a little motion (median and p95 per frame);
- capture: from the capture decision (a frame in hand) to the card photo's
  JPEG bytes, with ``kiosk.photo.make.make()`` when that module is present
  (otherwise crop + resize + ``cv2.imencode``, and the output says so);
- preview: a synthetic camera at 30 fps through ``FrameGrabber``, with
  ``guide()`` on every frame the consumer takes, for ``--seconds``.

    .venv/bin/python bench/photo.py [--frames 200] [--seconds 5]

The last line is one JSON object: guidance_median_ms, guidance_p95_ms,
capture_ms, preview_fps (and capture_with).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from devices.camera import FrameGrabber, SyntheticCamera  # noqa: E402
from devices.camera.scene import camera_scene  # noqa: E402
from kiosk.photo.guidance import guide  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def scene() -> np.ndarray:
    return camera_scene()


def capturer():
    """(name, function frame -> JPEG bytes)."""
    try:
        from kiosk.photo.make import make
    except ImportError:
        make = None
    if make is not None:
        return "kiosk.photo.make.make", make

    def crop_encode(frame: np.ndarray) -> bytes:
        face = guide(frame).face
        assert face is not None
        cx, cy = face.centre
        w = int(face.w * 1.6)
        h = int(w * 441 / 358)
        x0, y0 = max(0, int(cx - w / 2)), max(0, int(cy - h * 0.45))
        crop = cv2.resize(frame[y0:y0 + h, x0:x0 + w], (358, 441), interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 70])
        assert ok
        return buf.tobytes()
    return "crop + cv2.imencode (kiosk.photo.make absent)", crop_encode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args(argv)
    base = scene()

    # guidance per frame
    cam = SyntheticCamera(base, fps=0, noise=4, motion=6)
    cam.open()
    frames = [cam.read() for _ in range(30)]
    cam.close()
    for f in frames[:5]:
        guide(f)  # warm-up (cascade loading)
    times, oks = [], 0
    for i in range(args.frames):
        f = frames[i % len(frames)]
        start = time.perf_counter()
        g = guide(f)
        times.append((time.perf_counter() - start) * 1000)
        oks += g.ok

    # capture decision -> file bytes
    name, capture = capturer()
    capture(frames[0])
    capture_times, sizes = [], []
    for i in range(20):
        start = time.perf_counter()
        data = capture(frames[i % len(frames)])
        capture_times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(data))

    # preview: 30 fps camera, grabber thread, guide() on every frame taken
    cam = SyntheticCamera(base, fps=30, noise=4, motion=6)
    shown = 0
    with FrameGrabber(cam) as grabber:
        seq = grabber.latest(timeout=3).seq
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            frame = grabber.latest(timeout=2, newer_than=seq)
            seq = frame.seq
            guide(frame.image)
            shown += 1
        elapsed = time.perf_counter() - start
    fps = shown / elapsed

    median, p95 = statistics.median(times), percentile(times, 0.95)
    capture_ms = statistics.median(capture_times)
    print(f"guidance on 1280x720 frames: {len(times)} frames, median {median:.2f} ms, "
          f"p95 {p95:.2f} ms ({oks} judged ok)")
    print(f"capture to JPEG with {name}: median {capture_ms:.2f} ms, "
          f"{min(sizes) / 1024:.1f}-{max(sizes) / 1024:.1f} KB")
    print(f"preview (30 fps synthetic camera, grabber + guide() per frame): "
          f"{fps:.1f} frames/s over {elapsed:.1f} s")
    print(json.dumps({"guidance_median_ms": round(median, 3), "guidance_p95_ms": round(p95, 3),
                      "capture_ms": round(capture_ms, 3), "preview_fps": round(fps, 2),
                      "capture_with": name}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
