"""The pinyin engine: letters -> ranked characters and words, syllable splitting, initials."""

from __future__ import annotations

import pytest

from kiosk.pinyin_input import MAX_LETTERS, PinyinEngine, initial_letter, shared_engine, split_syllables


@pytest.fixture(scope="module")
def engine() -> PinyinEngine:
    return shared_engine()


def test_a_surname_syllable_puts_the_surname_first(engine):
    top = engine.candidates("zhang", limit=5)
    assert "张" in top
    assert all(len(c) == 1 for c in engine.candidates("zhang", limit=20))


def test_common_characters_come_before_rare_ones(engine):
    ji = engine.candidates("ji", limit=None)
    # 机 (GB 2312 level 1) before 乩 (level 2) before anything outside GB 2312
    assert ji.index("机") < ji.index("乩") < ji.index("𠮷")
    assert ji.index("机") < 20


def test_whole_input_words_come_first(engine):
    assert engine.candidates("wuhan")[0] == "武汉"
    assert engine.candidates("zhongguo")[0] == "中国"
    assert engine.candidates("renmin")[0] == "人民"
    assert engine.candidates("jianshelu")[0] == "建设路"
    assert engine.candidates("chongqing")[0] == "重庆"          # a word fixes a character's reading
    # after the words, the characters of the first syllable
    assert "武" in engine.candidates("wuhan", limit=20)


def test_a_candidate_says_how_many_letters_it_stands_for(engine):
    found = {c.text: c.consumed for c in engine.lookup("wuhanshi", limit=None)}
    assert found["武汉市"] == 8
    assert found["武汉"] == 5
    assert found["武"] == 2


def test_initials_only_and_unfinished_syllables(engine):
    assert "中国" in engine.candidates("zg", limit=5)
    assert "中国" in engine.candidates("zhongg", limit=5)
    assert "你们" in engine.candidates("nm", limit=20)
    assert engine.candidates("zh", limit=10) and all(len(c) == 1 for c in engine.candidates("zh", limit=10))


def test_another_split_of_the_same_letters(engine):
    xian = engine.candidates("xian", limit=None)
    assert xian[0] != "西安" and "西安" in xian          # one syllable first, xi'an after
    assert engine.candidates("xi'an")[0] == "西安"


def test_rare_name_character_beyond_the_bmp(engine):
    assert "𠮷" in engine.candidates("ji", limit=None)
    assert "𠮷" not in engine.candidates("ji", limit=30)   # rare: far down the list


def test_limit(engine):
    assert len(engine.candidates("shi", limit=7)) == 7
    assert len(engine.candidates("shi", limit=None)) > 100


@pytest.mark.parametrize("bad", ["", "123", "中国", "v", "i", "u", "zh ang", "ZHANG!", "'", None])
def test_what_is_not_pinyin_gives_nothing(engine, bad):
    assert engine.candidates(bad) == []


def test_capitals_are_read_as_letters(engine):
    assert engine.candidates("WUHAN")[0] == "武汉"


def test_huge_input_is_bounded(engine):
    found = engine.lookup("zhongguo" * 500, limit=None)
    assert found[0].text == "中国"
    assert all(c.consumed <= MAX_LETTERS for c in found)
    assert engine.lookup("xian" * 500, limit=10)
    assert engine.lookup("a" * 5000, limit=10)[0].consumed == 1


def test_split_syllables():
    assert split_syllables("zhongguo") == ["zhong", "guo"]
    assert split_syllables("xian") == ["xian"]
    assert split_syllables("xi'an") == ["xi", "an"]
    assert split_syllables("fangan") == ["fang", "an"]
    assert split_syllables("jianshelu") == ["jian", "she", "lu"]
    assert split_syllables("zhg") == ["zh", "g"]
    assert split_syllables("lve") == ["lve"]
    assert split_syllables("") == [] and split_syllables("v") == [] and split_syllables("12") == []


def test_a_fresh_engine_gives_the_same_answers():
    assert PinyinEngine().candidates("wuhan", limit=5) == shared_engine().candidates("wuhan", limit=5)


@pytest.mark.parametrize("text, letter", [
    ("维吾尔族", "W"), ("藏族", "Z"), ("汉族", "H"), ("重庆市", "C"), ("长沙市", "C"),
    ("Uyghur", "U"), ("𠮷", "J"), ("", ""), ("123", ""), ("·", ""),
])
def test_initial_letter(text, letter):
    assert initial_letter(text) == letter
