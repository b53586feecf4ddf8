"""The PRC's administrative divisions (省/市/县), for the region picker and address entry.

Qt-free. The data is ``kiosk/data/regions.json`` (GB/T 2260 codes as kept by
the Ministry of Civil Affairs; made by ``scripts/make_regions.py``, which names
its sources), loaded once on first use.

Codes are six-digit strings: ``XX0000`` a province-level division, ``XXYY00``
a prefecture-level one (市/地区/州/盟), anything else a county-level one
(区/县/县级市/旗). The drill-down tree follows the codes, with two kinds of
county-level divisions hanging straight under their province: the districts
and counties of the four municipalities (北京市东城区 110101) and the
county-level divisions administered by the province (湖北省仙桃市 429004).

API (each raises ``KeyError`` for a code that is not a division)
-----------------------------------------------------------------
``provinces() -> list[Region]``          the 34 province-level divisions, by code
``children(code) -> list[Region]``       the next level down, by code (``[]`` for a leaf)
``parent(code) -> str | None``           the code one level up
``name(code) -> str``                    ``"武昌区"``
``full_name(code) -> str``               ``"湖北省武汉市武昌区"``
``short_name(code) -> str``              ``"武昌"`` (the name without 省/市/区/自治州...)
``is_valid(code) -> bool``               never raises
``all_regions() -> list[Region]``        every division, by code

``Region`` is a named tuple ``(code, name)``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data" / "regions.json"

# GB/T 3304 names without 族, longest first: to shorten 恩施土家族苗族自治州 to 恩施
_ETHNIC_STEMS = sorted((
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
    "高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 "
    "普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 "
    "珞巴 基诺 各").split(), key=len, reverse=True)
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "矿区",
             "新区", "省", "市", "区", "县", "盟", "旗")


class Region(NamedTuple):
    code: str
    name: str


@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, str], dict[str, list[Region]]]:
    regions: dict[str, str] = json.loads(DATA.read_text(encoding="utf-8"))["regions"]
    kids: dict[str, list[Region]] = {code: [] for code in regions}
    for code in sorted(regions):
        up = _parent_of(code, regions)
        if up is not None:
            kids[up].append(Region(code, regions[code]))
    return regions, kids


def _parent_of(code: str, regions: dict[str, str]) -> str | None:
    if code.endswith("0000"):
        return None
    if code.endswith("00"):
        return code[:2] + "0000"
    city = code[:4] + "00"
    return city if city in regions else code[:2] + "0000"


def _check(code: str) -> dict[str, str]:
    regions = _data()[0]
    if not isinstance(code, str) or code not in regions:
        raise KeyError(code)
    return regions


def is_valid(code: object) -> bool:
    return isinstance(code, str) and code in _data()[0]


def provinces() -> list[Region]:
    regions = _data()[0]
    return [Region(c, n) for c, n in regions.items() if c.endswith("0000")]


def children(code: str) -> list[Region]:
    _check(code)
    return list(_data()[1][code])


def parent(code: str) -> str | None:
    return _parent_of(code, _check(code))


def name(code: str) -> str:
    return _check(code)[code]


def full_name(code: str) -> str:
    regions = _check(code)
    parts = []
    at: str | None = code
    while at is not None:
        parts.append(regions[at])
        at = _parent_of(at, regions)
    return "".join(reversed(parts))


def short_name(code: str) -> str:
    """The name as said in speech: 湖北, 武汉, 恩施, 新疆, 仙桃; ``name`` when nothing is left."""
    full = name(code)
    short = full
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and len(short) - len(suffix) >= 2:
            short = short[:-len(suffix)]
            break
    # autonomous areas: drop the ethnic groups named before 自治区/州/县 (维吾尔, 土家族苗族)
    changed = True
    while changed and short.endswith("族"):
        changed = False
        for stem in _ETHNIC_STEMS:
            if short.endswith(stem + "族") and len(short) - len(stem) - 1 >= 2:
                short = short[:-len(stem) - 1]
                changed = True
                break
    if short != full and full.endswith("自治区"):
        for stem in _ETHNIC_STEMS:      # 新疆维吾尔 -> 新疆, 广西壮族 handled above
            if short.endswith(stem) and len(short) - len(stem) >= 2:
                short = short[:-len(stem)]
                break
    return short


def all_regions() -> list[Region]:
    return [Region(c, n) for c, n in _data()[0].items()]
