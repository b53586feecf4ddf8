"""The card photo: kiosk.photo.rules.check, kiosk.photo.make.make and `kiosk photo`."""

import json

import cv2
import numpy as np
import pytest

from backoffice.photo_check import check_photo
from backoffice.testing import portrait_jpeg
from devices.camera.scene import portrait_image
from kiosk_cli.main import main
from kiosk.photo.make import PhotoRefused, make
from kiosk.photo.rules import RULE_NAMES, check, first_failure


def canvas(*, pw=480, ph=591, width=1280, height=720, bg=(250, 250, 250), **knobs):
    """A 1280 x 720 frame with a portrait standing at the bottom in the middle."""
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = bg
    x, y = (width - pw) // 2, height - ph
    frame[y:y + ph, x:x + pw] = portrait_image(width=pw, height=ph, background=bg, **knobs)
    return frame


def png(image) -> bytes:
    return cv2.imencode(".png", image)[1].tobytes()


@pytest.fixture(scope="module")
def made() -> bytes:
    return make(canvas())


def failed(results):
    return {r.name for r in results if not r.ok}


@pytest.mark.parametrize("frame", [
    canvas(),
    canvas(bg=(212, 212, 212)),                                   # a light grey wall, brightened
    canvas(pw=900, ph=1108, width=1600, height=1200),            # a larger face, shrunk
], ids=["white", "light-grey", "large"])
def test_make_gives_a_photo_that_passes_every_rule(frame):
    data = make(png(frame))
    results = check(data)
    assert [r.name for r in results] == list(RULE_NAMES)
    assert first_failure(results) is None, [(r.name, r.detail) for r in results if not r.ok]
    assert 14 * 1024 <= len(data) <= 40 * 1024
    assert data.endswith(b"\xff\xd9")
    assert check_photo(data) is None  # the back office takes it too


@pytest.mark.parametrize("frame,rule", [
    (canvas(faces=0), "no_face"),
    (np.hstack([canvas(width=640), canvas(width=640)]), "two_faces"),
    (canvas(bg=(200, 120, 60)), "background_not_white"),
    (canvas(pw=160, ph=197), "face_too_small"),
], ids=["no-face", "two-faces", "coloured", "small"])
def test_make_refuses_with_the_rule(frame, rule):
    with pytest.raises(PhotoRefused) as e:
        make(frame)
    assert e.value.rule == rule


def test_make_refuses_a_busy_background():
    frame = canvas()
    noise = np.random.default_rng(1).integers(0, 256, frame.shape, dtype=np.uint8)
    wall = frame.min(axis=2) >= 245
    frame[wall] = noise[wall]
    with pytest.raises(PhotoRefused) as e:
        make(frame)
    assert e.value.rule == "background_not_white"


def test_check_fails_the_rule_that_is_broken(made):
    assert failed(check(made + b"\x00" * 500)) == {"padding"}
    exif = b"\xff\xe1" + (2 + 14).to_bytes(2, "big") + b"Exif\x00\x00" + b"\x00" * 8
    assert failed(check(made[:2] + exif + made[2:])) == {"metadata"}
    comment = b"\xff\xfe\x00\x07hello"
    assert failed(check(made[:2] + comment + made[2:])) == {"metadata"}
    no_dpi = made[:13] + b"\x00\x00\x01\x00\x01" + made[18:]
    assert failed(check(no_dpi)) == {"density"}
    assert "dimensions" in failed(check(portrait_jpeg(width=441, height=358)))
    assert "file_size" in failed(check(made[:2] + b"\xff\xfe\xff\xff" + b" " * 65533 + made[2:]))
    assert failed(check(b"\x89PNG\r\n\x1a\n" + b"0" * 20000)) == set(RULE_NAMES) - {"file_size",
                                                                                     "metadata"}


def test_check_reports_geometry_of_a_badly_framed_photo():
    results = {r.name: r for r in check(portrait_jpeg())}
    assert not results["crown"].ok and results["crown"].value > 21  # head too low
    assert results["one_face"].ok and results["face_width"].ok
    assert not check(portrait_jpeg(faces=0))[6].ok


def test_cli_make_and_check(tmp_path, capsys):
    src, out = tmp_path / "me.png", tmp_path / "card.jpg"
    src.write_bytes(png(canvas()))
    assert main(["photo", "make", str(src), str(out)]) == 0
    assert main(["photo", "check", str(out), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert answer["ok"] and len(answer["rules"]) == len(RULE_NAMES)

    out.write_bytes(out.read_bytes() + b"pad")
    assert main(["photo", "check", str(out)]) == 1
    assert "FAIL  padding" in capsys.readouterr().out


def test_cli_make_refuses_in_one_line(tmp_path, capsys):
    src = tmp_path / "nobody.png"
    src.write_bytes(png(canvas(faces=0)))
    assert main(["photo", "make", str(src), str(tmp_path / "x.jpg")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["kiosk photo: no_face: no face found"]
    assert not (tmp_path / "x.jpg").exists()
