"""A short video file of the kiosk's camera scene (a citizen before a white wall),
for checks that open a camera by path: ``OpenCvCamera`` plays a video file like a
device, so a test needs no webcam."""

from __future__ import annotations

from pathlib import Path

import cv2


def write_scene_video(path: str | Path, *, frames: int = 30, fps: float = 30.0,
                      width: int = 1280, height: int = 720) -> Path:
    """Write ``frames`` frames of :func:`devices.camera.scene.camera_scene` as Motion-JPEG AVI."""
    from devices.camera.scene import camera_scene

    path = Path(path)
    scene = camera_scene(width, height)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path}")
    try:
        for _ in range(frames):
            writer.write(scene)
    finally:
        writer.release()
    return path
