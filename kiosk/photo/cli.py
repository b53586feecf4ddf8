"""``kiosk photo make`` and ``kiosk photo check`` (wired in :mod:`kiosk_cli.main`)."""

from __future__ import annotations

import json
import sys


def _fail(rule: str, detail: str) -> int:
    print(f"kiosk photo: {rule}: {detail}", file=sys.stderr)
    return 1


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def photo_make(input_path: str, output_path: str) -> int:
    from .make import PhotoRefused, make

    try:
        data = _read(input_path)
    except OSError as exc:
        return _fail("input", f"cannot read {input_path}: {exc.strerror or exc}")
    try:
        photo = make(data)
    except PhotoRefused as exc:
        return _fail(exc.rule, exc.detail)
    try:
        with open(output_path, "wb") as f:
            f.write(photo)
    except OSError as exc:
        return _fail("output", f"cannot write {output_path}: {exc.strerror or exc}")
    print(f"{output_path}: {len(photo)} bytes")
    return 0


def photo_check(path: str, as_json: bool = False) -> int:
    from .rules import check

    try:
        data = _read(path)
    except OSError as exc:
        return _fail("input", f"cannot read {path}: {exc.strerror or exc}")
    results = check(data)
    ok = all(r.ok for r in results)
    if as_json:
        print(json.dumps({"file": path, "ok": ok, "rules": [r.to_json_dict() for r in results]},
                         ensure_ascii=False))
    else:
        width = max(len(r.name) for r in results)
        for r in results:
            print(f"{'ok  ' if r.ok else 'FAIL'}  {r.name:<{width}}  {r.detail}")
    return 0 if ok else 1
