"""The pinyin engine of the kiosk's own on-screen keyboard: letters -> ranked Hanzi candidates.

Qt-free; built on the readings of ``pypinyin`` (its character and phrase
dictionaries), which are turned into look-up indices once, lazily, on the first
call (or on :meth:`PinyinEngine.warm_up`, e.g. from a thread at start-up).

API
---
``split_syllables(letters) -> list[str]``
    The preferred split of a run of letters into pinyin syllables
    (``"zhongguo"`` -> ``["zhong", "guo"]``, ``"xian"`` -> ``["xian"]``,
    ``"xi'an"`` -> ``["xi", "an"]``); a piece that is only the start of a
    syllable stays as it is (``"zhg"`` -> ``["zh", "g"]``). ``[]`` when the
    letters cannot be pinyin.
``PinyinEngine().candidates(pinyin, limit=60) -> list[str]``
    Ranked candidates for the letters: whole-input phrases first (``wuhan`` ->
    武汉, ``zhongguo`` -> 中国, also initials only: ``zg`` -> 中国), then
    phrases for the first syllables, then single characters of the first
    syllable. ``limit=None`` gives all of them.
``PinyinEngine().lookup(pinyin, limit=60) -> list[Candidate]``
    The same with, for each candidate, how many of the letters it consumes, so
    a keyboard keeps the rest pending (pick 武 from ``wuhan``: ``han`` stays).
``shared_engine() -> PinyinEngine``
    The process-wide engine (its indices are built once).
``initial_letter(text) -> str``
    ``"A"``-``"Z"`` for the pinyin (or Latin) initial of ``text``'s first
    character, ``""`` when there is none (the pickers' filter row).

Ranking
-------
``pypinyin`` carries no frequencies, so characters are ranked by tier, then by
how often the character is read with that syllable inside pypinyin's phrase
dictionary (a usage proxy: 张 is in far more phrases than 樟), the twenty
commonest surnames (:data:`SURNAMES`) first within their tier:

0. GB 2312 level 1 (the 3755 common characters: as gb2312, first byte 0xB0-0xD7),
1. GB 2312 level 2,
2. any other character of the Basic Multilingual Plane,
3. characters beyond the BMP (rare name characters such as 𠮷).

Words come from pypinyin's phrase data, which holds only phrases with a
character of several readings (so 中国, 重庆, but not 人民 or 武汉), from
:data:`COMMON_WORDS` (words of addresses) and from the names of all divisions
in :mod:`kiosk.regions` (武汉市 and 武汉). They are ranked by how many longer
phrases contain them (中国 is inside 中国人, 中国话, ...) plus a fixed score for
common words and division names, then by their characters' tiers and counts.

Rare name characters that pypinyin does not know (it has no reading for 𠮷)
are added from :data:`EXTRA_READINGS`. Only ``a``-``z`` (and ``'`` as a
syllable separator) are pinyin; anything else gives ``[]``. At most
:data:`MAX_LETTERS` letters are looked at.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

MAX_LETTERS = 48            # longer input: only its first 48 letters are looked at
MAX_SEGMENTATIONS = 8       # alternative splits considered (xian / xi'an)
DEFAULT_LIMIT = 60

# Words of addresses and names that pypinyin's phrase data lacks: it keeps only
# phrases with a character of several readings, so 人民, 建设, 武汉 are not there.
# The names of all divisions (kiosk/regions.py) are added too, full and short.
COMMON_WORDS = """
人民 建设 解放 中山 和平 胜利 文化 光明 幸福 团结 友谊 新华 东风 红旗 工业 农业 商业 科技
大学 学院 医院 学校 小学 中学 小区 社区 街道 村委会 居委会 委员会 花园 公寓 大厦 广场 中心
大道 大街 公路 东路 西路 南路 北路 中路 东街 西街 南街 北街 单元 号楼 楼栋 新村 宿舍 开发区
工业园 高新区 经济 技术 开发 国际 世纪 阳光 名苑 雅苑 家园 庄园 山庄 城市 新城 老城 县城
乡镇 村民 组团 滨江 江滨 沿江 沿河 河东 河西 江南 江北 城东 城西 城南 城北 东门 西门 南门
北门 园区 校区 市场 商场 超市 车站 火车站 机场 码头 公园 体育 文明 民主 民族 自由 青年 前进
跃进 红星 五一 八一 劳动 工人 农民 育才 教育 师范 财经 政法 卫生 健康 交通 电力 铁路 水利
公安 法院 检察院 政府 人大 政协 邮政 电信 移动 联通 石油 化工 钢铁 煤矿 机械 纺织 电子 汽车
建材 粮食 供销 信用社 食品 中华 中国 人民路 建设路 解放路 中山路 和平路 胜利路 文化路 光明路
幸福路 团结路 友谊路 新华路 东风路 工农 兴业 富民 安居 锦绣 金山 银河 龙湖 翠苑 华苑 东方
""".split()
COMMON_WORDS = " ".join(dict.fromkeys(COMMON_WORDS))
COMMON_SCORE = 20          # ranked with pypinyin's most contained phrases (中国: 23)
REGION_SCORE = 15          # provinces and prefecture-level divisions (武汉, 湖北)
COUNTY_SCORE = 5           # county-level ones (武昌)
# the twenty commonest surnames come first among the characters of their syllable
# (names are typed here more than anything): zhang -> 张 before 长
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"

# Characters used in names and addresses that pypinyin has no reading for.
# (U+20BB7 𠮷, the 吉 with 土 on top, is the best known of them.)
EXTRA_READINGS: dict[str, tuple[str, ...]] = {
    "\U00020BB7": ("ji",),      # 𠮷
}

# interjection-only readings (嗯 n/ng, 呣 m, 哼 hng, 噷 hm): not used to split
# letters, or "nm" could never mean 你们
_INTERJECTIONS = frozenset({"m", "n", "ng", "hm", "hng"})


@dataclass(frozen=True)
class Candidate:
    text: str
    consumed: int           # how many letters of the input this candidate stands for


@lru_cache(maxsize=None)
def _toneless(reading: str) -> str:
    """``"lǜ"`` -> ``"lv"``, ``"zhāng"`` -> ``"zhang"``, ``"ê̄"`` -> ``"e"``."""
    reading = unicodedata.normalize("NFC", reading).replace("ü", "v").replace("Ü", "v")
    bare = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
    return bare.lower()


@lru_cache(maxsize=1)
def _gb2312_levels() -> tuple[frozenset[str], frozenset[str]]:
    """The characters of GB 2312 level 1 (rows 16-55) and level 2 (rows 56-87)."""
    def row_chars(first: int, last: int) -> frozenset[str]:
        out = set()
        for hi in range(first, last + 1):
            for lo in range(0xA1, 0xFF):
                try:
                    out.add(bytes((hi, lo)).decode("gb2312"))
                except UnicodeDecodeError:
                    pass
        return frozenset(out)
    return row_chars(0xB0, 0xD7), row_chars(0xD8, 0xF7)


def _tier(ch: str) -> int:
    if ord(ch) > 0xFFFF:
        return 3
    level1, level2 = _gb2312_levels()
    return 0 if ch in level1 else 1 if ch in level2 else 2


def _is_pinyin(letters: str) -> bool:
    return bool(letters) and all("a" <= c <= "z" or c == "'" for c in letters)


def _region_words() -> dict[str, int]:
    """Names of divisions, full and short, with a score (provinces and prefectures higher)."""
    from . import regions

    words: dict[str, int] = {}
    for code, full in regions.all_regions():
        big = code.endswith("00")
        for word in (full, regions.short_name(code)):
            if len(word) >= 2:
                score = REGION_SCORE if big else COUNTY_SCORE
                words[word] = max(words.get(word, 0), score)
    return words


class _Index:
    """Everything the engine looks things up in; built once."""

    def __init__(self) -> None:
        from pypinyin import lazy_pinyin
        from pypinyin.phrases_dict import phrases_dict
        from pypinyin.pinyin_dict import pinyin_dict

        class _Toneless(dict):
            """toned reading -> toneless syllable, or "" when it is not a-z (computed once each)."""

            def __missing__(self, reading: str) -> str:
                bare = _toneless(reading)
                self[reading] = bare = bare if bare.isascii() and bare.isalpha() else ""
                return bare

        toneless = _Toneless()

        # --- characters --------------------------------------------------------------
        readings_of: dict[str, list[str]] = {}
        for cp, readings in pinyin_dict.items():
            syls = []
            for r in readings.split(","):
                bare = toneless[r]
                if bare and bare not in syls:
                    syls.append(bare)
            if syls:
                readings_of[chr(cp)] = syls
        for ch, syls in EXTRA_READINGS.items():
            readings_of.setdefault(ch, list(syls))

        # --- pypinyin's phrases: syllables, and usage counts of (char, syllable) ---------
        usage: Counter[tuple[str, str]] = Counter()
        words: dict[str, tuple[str, ...]] = {}
        for phrase, readings in phrases_dict.items():
            if len(phrase) != len(readings) or len(phrase) < 2:
                continue
            syls = tuple([toneless[r[0]] for r in readings])
            if "" in syls:
                continue
            words[phrase] = syls
            usage.update(zip(phrase, syls))
        self.usage = usage

        # how many longer phrases contain a phrase: a proxy for how common it is
        score: dict[str, int] = defaultdict(int)
        for phrase in words:
            n = len(phrase)
            if n < 3:
                continue
            seen = set()
            for size in range(2, min(n - 1, 6) + 1):
                for i in range(n - size + 1):
                    sub = phrase[i:i + size]
                    if sub not in seen and sub in words:
                        seen.add(sub)
                        score[sub] += 1

        # --- words pypinyin's phrase data lacks (it keeps only phrases that need them) ----
        extra_syls: dict[str, list[tuple[str, ...]]] = {}
        for word in COMMON_WORDS.split():
            syls = tuple(_toneless(p) for p in lazy_pinyin(word))
            if len(syls) == len(word):
                extra_syls[word] = [syls]
                score[word] += COMMON_SCORE
        for word, bonus in _region_words().items():
            score[word] += bonus
            if word in words or word in extra_syls:
                continue
            options = [readings_of.get(ch) for ch in word]
            if not all(options):
                continue
            combos: list[tuple[str, ...]] = [()]
            for opts in options:
                combos = [c + (o,) for c in combos for o in opts][:8]
            extra_syls[word] = combos
        self.score = score

        # --- per syllable: characters (sorted when first asked for) ----------------------
        by_syllable: dict[str, list[str]] = defaultdict(list)
        for ch, syls in readings_of.items():
            for s in syls:
                by_syllable[s].append(ch)
        self._raw_chars = by_syllable
        self.syllables = frozenset(by_syllable)
        self.split_syllables = frozenset(s for s in self.syllables if s not in _INTERJECTIONS)
        self.prefixes = frozenset(s[:i] for s in self.syllables for i in range(1, len(s) + 1))
        self.max_syllable = max(map(len, self.syllables))

        # --- phrases by the first letters of their syllables (sorted when first asked for) --
        by_initials: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for phrase, syls in words.items():
            by_initials["".join([s[0] for s in syls])].append((phrase, syls))
        for word, combos in extra_syls.items():
            for syls in combos:
                by_initials["".join(s[0] for s in syls)].append((word, syls))
        self._raw_phrases = by_initials
        self.max_phrase = max(map(len, by_initials))

    def _char_key(self, ch: str, syllable: str) -> tuple:
        return (_tier(ch), ch not in SURNAMES, -self.usage.get((ch, syllable), 0), ord(ch))

    @lru_cache(maxsize=None)
    def chars(self, syllable: str) -> tuple[str, ...]:
        return tuple(sorted(self._raw_chars.get(syllable, ()),
                            key=lambda c: self._char_key(c, syllable)))

    @lru_cache(maxsize=None)
    def phrases(self, initials: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The phrases whose syllables start with ``initials``, best first."""
        def key(item: tuple[str, tuple[str, ...]]) -> tuple:
            p, syls = item
            return (-self.score.get(p, 0), max(_tier(c) for c in p),
                    -min(self.usage.get((c, s), 0) for c, s in zip(p, syls)), p)
        return tuple(sorted(self._raw_phrases.get(initials, ()), key=key))

    @lru_cache(maxsize=2048)
    def chars_for_prefix(self, unit: str) -> tuple[str, ...]:
        """The characters of a full syllable, or of every syllable a syllable start begins."""
        if unit in self.split_syllables:
            return self.chars(unit)
        pool: dict[str, tuple] = {}
        for s in self.syllables:
            if s.startswith(unit):
                for c in self._raw_chars[s]:
                    key = self._char_key(c, s)
                    if c not in pool or key < pool[c]:
                        pool[c] = key
        return tuple(sorted(pool, key=pool.__getitem__))

    # --- splitting ----------------------------------------------------------------------
    def segmentations(self, letters: str) -> list[list[str]]:
        """Up to MAX_SEGMENTATIONS splits into full syllables and syllable starts, best first."""
        parts = [p for p in letters.split("'") if p]
        if not parts:
            return []
        results: list[list[str]] | None = [[]]
        for part in parts:
            splits = self._segment_part(part)
            if not splits:
                return []
            results = [a + b for a in results for b in splits][:MAX_SEGMENTATIONS]
        full = self.split_syllables

        def rank(seg: list[str]) -> tuple[int, int]:
            return (sum(1 for u in seg if u not in full), len(seg))

        return sorted(results, key=rank)

    def _segment_part(self, part: str) -> list[list[str]]:
        n = len(part)
        full = self.split_syllables

        def options(i: int) -> list[str]:
            """Units that can start at ``i``: full syllables (longest first), else the longest start."""
            opts = [part[i:j] for j in range(min(n, i + self.max_syllable), i, -1)
                    if part[i:j] in full]
            if not opts:
                for j in range(min(n, i + self.max_syllable), i, -1):
                    if part[i:j] in self.prefixes:
                        opts.append(part[i:j])
                        break
            return opts

        # feasible[i]: part[i:] can be split
        feasible = [False] * (n + 1)
        feasible[n] = True
        opts_at: list[list[str]] = [[] for _ in range(n)]
        for i in range(n - 1, -1, -1):
            opts_at[i] = [u for u in options(i) if feasible[i + len(u)]]
            feasible[i] = bool(opts_at[i])
        if not feasible[0]:
            return []
        out: list[list[str]] = []

        def walk(i: int, acc: list[str]) -> None:
            if len(out) >= MAX_SEGMENTATIONS:
                return
            if i == n:
                out.append(list(acc))
                return
            for u in opts_at[i]:
                acc.append(u)
                walk(i + len(u), acc)
                acc.pop()
                if len(out) >= MAX_SEGMENTATIONS:
                    return

        walk(0, [])         # recursion depth <= MAX_LETTERS
        return out

    # --- phrases ----------------------------------------------------------------------------
    def match_phrases(self, units: list[str]) -> list[tuple[str, int]]:
        """Phrases of exactly ``len(units)`` syllables matching the units, with a rank (0 best).

        A full syllable must be equal, a syllable start must start the syllable; the last
        unit, even a full syllable, may also be a start (rank 1: ``zhonggu`` -> 中国).
        """
        bucket = self.phrases("".join(u[0] for u in units))
        full = self.split_syllables
        last = len(units) - 1
        out = []
        for phrase, syls in bucket:
            rank = 0
            for i, (u, s) in enumerate(zip(units, syls)):
                if u == s:
                    continue
                if (u not in full or i == last) and s.startswith(u):
                    if u in full:
                        rank = 1
                    continue
                break
            else:
                out.append((phrase, rank))
        return out


class PinyinEngine:
    """Letters -> candidates; see the module docstring."""

    def __init__(self) -> None:
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Build the indices now (about half a second) instead of on the first call."""
        self._idx()

    def _idx(self) -> _Index:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = _Index()
        return self._index

    def split_syllables(self, letters: str) -> list[str]:
        letters = letters.lower()[:MAX_LETTERS]
        if not _is_pinyin(letters):
            return []
        segs = self._idx().segmentations(letters)
        return segs[0] if segs else []

    def candidates(self, pinyin: str, limit: int | None = DEFAULT_LIMIT) -> list[str]:
        return [c.text for c in self.lookup(pinyin, limit)]

    def lookup(self, pinyin: str, limit: int | None = DEFAULT_LIMIT) -> list[Candidate]:
        if not isinstance(pinyin, str):
            return []
        letters = pinyin.lower()[:MAX_LETTERS]
        if not _is_pinyin(letters):
            return []
        idx = self._idx()
        segs = idx.segmentations(letters)
        if not segs:
            return []
        out: list[Candidate] = []
        seen: set[str] = set()
        cap = limit if limit is not None else 1 << 30

        def add(text: str, consumed: int) -> bool:
            if text not in seen:
                seen.add(text)
                out.append(Candidate(text, consumed))
            return len(out) >= cap

        def phrases(seg: list[str], k: int, want_rank: int | None = None) -> list[str]:
            found = idx.match_phrases(seg[:k])
            return [p for p, r in found if want_rank is None or r == want_rank]

        def consumed_by(seg: list[str], k: int) -> int:
            used = sum(len(u) for u in seg[:k])
            # the apostrophes the user typed between those syllables count as consumed
            pos = count = 0
            while count < used and pos < len(letters):
                if letters[pos] != "'":
                    count += 1
                pos += 1
            while pos < len(letters) and letters[pos] == "'":
                pos += 1
            return pos

        primary = segs[0]
        everything = len(letters)
        # 1. phrases for the whole input, as split best (exact syllables, then predictions)
        if len(primary) >= 2 and len(primary) <= idx.max_phrase:
            for rank in (0, 1):
                for p in phrases(primary, len(primary), rank):
                    if add(p, everything):
                        return out
        # 2. a lone syllable: its characters come before other readings of the letters
        if len(primary) == 1:
            for ch in idx.chars_for_prefix(primary[0]):
                if add(ch, everything):
                    return out
        # 3. whole-input phrases of the other splits (xian -> 西安)
        for seg in segs[1:]:
            if 2 <= len(seg) <= idx.max_phrase:
                for p in phrases(seg, len(seg), 0):
                    if add(p, everything):
                        return out
        # 4. phrases for the first syllables, longest first
        for k in range(min(len(primary) - 1, idx.max_phrase), 1, -1):
            for p in phrases(primary, k, 0):
                if add(p, consumed_by(primary, k)):
                    return out
        # 5. characters of the first syllable (and of the first syllables of other splits)
        for seg in segs:
            for ch in idx.chars_for_prefix(seg[0]):
                if add(ch, consumed_by(seg, 1)):
                    return out
        return out


_shared: PinyinEngine | None = None


def shared_engine() -> PinyinEngine:
    """The process-wide engine."""
    global _shared
    if _shared is None:
        _shared = PinyinEngine()
    return _shared


def split_syllables(letters: str) -> list[str]:
    """The preferred split of ``letters`` into syllables (see the module docstring)."""
    return shared_engine().split_syllables(letters)


def initial_letter(text: str) -> str:
    """``"W"`` for 维吾尔族 (wei), ``"Z"`` for 藏族 (zang), ``"J"`` for ``"Japan"``; ``""`` if none."""
    text = (text or "").strip()
    if not text:
        return ""
    first = text[0]
    if first.isascii():
        return first.upper() if first.isalpha() else ""
    from pypinyin import Style, lazy_pinyin

    # the whole text, so a phrase reading wins (藏族 is zang, not cang)
    letters = lazy_pinyin(text[:4], style=Style.FIRST_LETTER, errors="ignore", strict=False)
    if letters and letters[0] and letters[0][0].isascii() and letters[0][0].isalpha():
        if lazy_pinyin(first, errors="ignore"):       # the first character itself has a reading
            return letters[0][0].upper()
    syls = EXTRA_READINGS.get(first)
    return syls[0][0].upper() if syls else ""
