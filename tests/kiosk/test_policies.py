"""Rule packs (kiosk/policies/): every cell of policies.md that differs from the
default, with its article, checked against the regulation's own text where the
texts are at hand; services derived from the rules; dates; validation."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from kiosk.policies import (
    PRODUCTION_STAGES,
    RULE_KEYS,
    SERVICES,
    Offer,
    PolicyError,
    Rule,
    RulePack,
    jurisdictions,
    load_pack,
    load_pack_file,
)
from kiosk.policies.pack import ARTICLE_RE, PACK_DIR

JURISDICTIONS = ["hainan", "hubei", "hunan", "sichuan", "xinxiang"]
PACKS = {j: load_pack(j) for j in JURISDICTIONS}
DEFAULT = load_pack("default")

REGULATIONS_DIR = Path(os.environ.get(
    "SSC_REGULATIONS_DIR", Path(__file__).resolve().parents[3] / "shared" / "regulations"))

PHOTO = {"format": "jpeg", "background": "white", "width": 358, "height": 441,
         "min_kb": 14, "max_kb": 40, "border": False}
DEFAULT_REASONS = ["expired", "damaged", "unreadable", "face_info_changed", "upgrade", "other"]
BOTH = ["temporary", "formal"]
CARD_ID = ["card", "id_document"]

# (jurisdiction, key, value, article, words of that article (whitespace ignored))
# Every rule whose value differs from the default pack must be here (test below),
# plus some that equal the default but come from the regulation.
CELLS = [
    # --- Hunan 湘人社规〔2021〕17号
    ("hunan", "card_validity_years", 10, "第6条", "有效使用期为十年"),
    ("hunan", "pin_max_tries", 6, "第14条", "连续六次输入错误"),
    ("hunan", "pin_reset_requires", CARD_ID, "第14条, 第4条", "持本人社会保障卡"),
    ("hunan", "pin_unblock_requires", CARD_ID, "第14条, 第4条", "须提供二代居民身份证"),
    ("hunan", "other_province_cards_accepted", True, "第16条", "不得拒绝受理"),
    ("hunan", "loss_kinds", BOTH, "第27条", "也可以直接办理正式挂失"),
    ("hunan", "formal_loss_at_kiosk", False, "第28条", "持有效身份证件到经办责任银行网点办理社会保障卡正式挂失"),
    ("hunan", "lift_formal_loss_allowed", True, "第29条", "已办理正式挂失且完成补卡的，不能再办理解挂"),
    ("hunan", "lift_loss_at_kiosk", False, "第29条", "到经办责任银行网点办理社会保障卡解挂手续"),
    ("hunan", "replacement_requires_formal_loss", True, "第30条", "正式挂失手续后，可在经办责任银行网点办理补卡"),
    ("hunan", "profile_change_at_kiosk", False, "第25条", "到经办责任银行网点办理变更"),
    ("hunan", "key_fields", ["name", "ssn", "photo"], "第24条", "姓名、社会保障号码、相片等关键信息"),
    ("hunan", "renewal_reasons", DEFAULT_REASONS, "第32条", "需要升级换代"),
    # --- Hubei 鄂人社办发〔2022〕24号
    ("hubei", "card_validity_years", 10, "第2条", "有效期为10年（以卡面发卡日期为起始日期）"),
    ("hubei", "pin_change_self_service", True, "第20条", "可在服务机构或自助设备持实体社会保障卡办理"),
    ("hubei", "pin_reset_requires", CARD_ID, "第21条, 第5条", "必须提供有效身份证件原件"),
    ("hubei", "pin_unblock_requires", CARD_ID, "第21条, 第5条", "需持实体社会保障卡到服务机构办理"),
    ("hubei", "pin_reset_at_kiosk", True, "第21条", "连续多次输入错误造成锁卡的，需持实体社会保障卡到服务机构"),
    ("hubei", "pin_unblock_at_kiosk", True, "第21条", "需持实体社会保障卡到服务机构办理"),
    ("hubei", "loss_kinds", BOTH, "第29条", "分为临时挂失、正式挂失"),
    ("hubei", "formal_loss_at_kiosk", True, "第29条", "通过社会保障卡线上服务渠道办理社会保障功能挂失"),
    ("hubei", "lift_formal_loss_allowed", False, "第29条", "正式挂失不能解除挂失"),
    ("hubei", "lift_temporary_loss_allowed", True, "第30条", "在未补卡前找回已挂失的社会保障卡"),
    ("hubei", "lift_loss_at_kiosk", True, "第30条", "通过社会保障卡线上服务渠道办理解挂"),
    ("hubei", "replacement_requires_formal_loss", True, "第22条", "应当办理正式挂失并申请补领"),
    ("hubei", "bank_account_closed_before_reissue", True, "第24条", "必须办理金融账户正式挂失或注销，否则不予办理"),
    ("hubei", "ss_activation_needed", True, "第18条", "及时激活社会保障卡的社会保障功能"),
    ("hubei", "editable_fields", ["phone", "address", "mailing_address", "id_valid_until",
                                  "ethnicity", "nationality", "gender"],
     "第26条", "证件有效期、民族、国家/地区、性别、地址、邮寄信息、联系电话等非关键信息"),
    ("hubei", "key_fields", ["name", "ssn", "photo"], "第25条", "姓名、社会保障号码、照片关键信息"),
    ("hubei", "renewal_reasons", DEFAULT_REASONS + ["appearance_changed", "child_reaches_7"],
     "第23条", "相貌与卡面照片发生显著变化"),
    ("hubei", "renewal_reasons_at_kiosk", ["expired", "damaged", "unreadable", "upgrade",
                                           "appearance_changed", "child_reaches_7"],
     "第6条, 第23条", "儿童年满7周岁后"),
    ("hubei", "renewal_at_kiosk", True, "第6条", "通过线上服务渠道办理社会保障卡申领、补领与换领"),
    ("hubei", "photo_exempt_below_age", 7, "第11条", "申领人未满7周岁的，可不采集电子照片"),
    ("hubei", "photo", PHOTO, "第12条", "JPEG格式文件，大小14-40KB，白底无边框，358像素（宽）*441像素（高）"),
    ("hubei", "production_working_days", 29, "第6条", "批量制卡周期不超过29个工作日"),
    ("hubei", "fast_production_days", 5, "第6条", "快速制卡周期不超过5个工作日"),
    ("hubei", "fast_production_unit", "working_days", "第6条", "5个工作日"),
    ("hubei", "rare_characters", "province_production_mailed", "第34-36条", "以邮寄方式送达申领人"),
    ("hubei", "query_at_kiosk", True, "第27条", "查询社会保障卡制发进度"),
    # --- Hainan 琼府办〔2021〕60号
    ("hainan", "pin_in_use", False, "第14条", "我省暂不启用一卡通应用密码"),
    ("hainan", "pin_max_tries", None, "第14条", "暂不启用一卡通应用密码"),
    ("hainan", "pin_change_self_service", False, "第14条", "暂不启用一卡通应用密码"),
    ("hainan", "pin_reset_requires", [], "第14条", "暂不启用一卡通应用密码"),
    ("hainan", "pin_unblock_requires", [], "第14条", "暂不启用一卡通应用密码"),
    ("hainan", "pin_reset_at_kiosk", False, "第14条", "暂不启用一卡通应用密码"),
    ("hainan", "pin_unblock_at_kiosk", False, "第14条", "暂不启用一卡通应用密码"),
    ("hainan", "loss_kinds", BOTH, "第16条", "社会保障卡挂失分为临时挂失和正式挂失"),
    ("hainan", "temporary_loss_durations", ["15d", "long"], "第17条", "临时挂失有效期为15日或长期"),
    ("hainan", "temporary_loss_effect", "immediate_ss_and_bank_locked", "第17条",
     "同步实现一卡通应用、银行账户应用的联动挂失。临时挂失即时生效"),
    ("hainan", "temporary_loss_at_kiosk", True, "第17条", "市县一卡通机构、海南省12333电话咨询服务热线"),
    ("hainan", "bank_account_loss_separate", False, "第17条, 第18条", "实现正式挂失实时联动"),
    ("hainan", "formal_loss_at_kiosk", False, "第18条", "应持有效身份证件原件到合作金融机构或通过网上服务平台办理正式挂失"),
    ("hainan", "lift_loss_at_kiosk", False, "第19条", "持有效身份证件原件和社会保障卡到合作金融机构办理解挂"),
    ("hainan", "lift_formal_loss_allowed", True, "第19条", "已办理正式挂失且完成补领申请的,不再办理解挂"),
    ("hainan", "replacement_requires_formal_loss", True, "第20条", "原卡自受理补领申请之时即时注销失效"),
    ("hainan", "renewal_reasons", DEFAULT_REASONS + ["voluntary"], "第21条", "因个人用卡需求主动申请换领的"),
    ("hainan", "renewal_reasons_at_kiosk", ["expired"], "第22条", "本人近期相片到市县一卡通机构"),
    ("hainan", "ss_activation_needed", False, "第15条", "自动启用,无需激活"),
    ("hainan", "profile_change_at_kiosk", True, "第23条", "网上服务平台、自助终端等办理社会保障卡信息变更"),
    ("hainan", "key_fields", ["name", "ssn", "photo", "id_type"], "第23条, 第21条",
     "个人关键信息(包括姓名、证件类型、社会保障号码等)"),
    ("hainan", "photo_exempt_below_age", 7, "第5条", "未满七周岁儿童可不采集和印刷相片"),
    ("hainan", "production_working_days", 30, "第11条", "30个工作日内发放社会保障卡"),
    ("hainan", "fast_production_days", 5, "第26条", "不超过5日的快速补领、换领服务"),
    ("hainan", "fast_production_unit", "calendar_days", "第26条", "不超过5日"),
    ("hainan", "first_card_free", True, "第24条", "首次申领社会保障卡"),
    ("hainan", "fee_waived_reasons", ["expired", "upgrade", "hardship"], "第24条",
     "特困人员、低保对象等特殊困难人员免收工本费"),
    # --- Sichuan 川人社规〔2023〕6号
    ("sichuan", "pin_in_use", True, "第14条", "存在卡内的个人识别码，简称PIN"),
    ("sichuan", "pin_reset_requires", CARD_ID, "第15条", "应持本人社会保障卡和居民身份证等有效身份证件"),
    ("sichuan", "pin_unblock_requires", CARD_ID, "第15条", "连续多次输入错误造成锁卡的"),
    ("sichuan", "loss_kinds", BOTH, "第18条", "社保功能挂失分为正式挂失和临时挂失"),
    ("sichuan", "temporary_loss_durations", ["7d"], "第18条", "临时挂失7天后未办理正式挂失的，社保功能恢复正常"),
    ("sichuan", "temporary_loss_effect", "immediate_card_locked", "第18条", "挂失即时生效，挂失后的社会保障卡不可使用"),
    ("sichuan", "formal_loss_at_kiosk", False, "第17条", "持本人居民身份证等有效身份证件在卡经办服务网点办理"),
    ("sichuan", "lift_formal_loss_allowed", True, "第19条", "已办理补领的，不能办理解挂"),
    ("sichuan", "replacement_requires_formal_loss", True, "第20条", "在社会保障卡正式挂失后，方能补领"),
    ("sichuan", "ss_activation_needed", True, "第13条", "社保功能未启用（激活）的社会保障卡，社保功能不可使用"),
    ("sichuan", "renewal_reasons", DEFAULT_REASONS + ["appearance_changed", "bank_change", "reaching_18"],
     "第21条", "更换发卡银行等原因"),
    ("sichuan", "renewal_reasons_at_kiosk", ["expired", "damaged", "unreadable", "upgrade",
                                             "appearance_changed", "reaching_18"],
     "第33条, 第21条", "持卡人在年满18周岁后，应及时换领社会保障卡"),
    ("sichuan", "renewal_at_kiosk", True, "第33条", "自助服务终端等提供社会保障卡申领、查询、补领、换领等服务"),
    ("sichuan", "key_fields", ["name", "ssn", "photo"], "第21条", "持卡人姓名或证件号码发生变化"),
    ("sichuan", "photo_exempt_below_age", 7, "第10条", "未满7周岁的未成年人可以不采集和印制个人照片"),
    ("sichuan", "production_working_days", 30, "第12条", "自受理申请之日起30个工作日内发放社会保障卡"),
    ("sichuan", "first_card_free", True, "第12条", "首次申领社会保障卡免费"),
    # --- Xinxiang 新人社〔2017〕145号
    ("xinxiang", "pin_max_tries", 6, "第24条", "连续6次输入错误密码"),
    ("xinxiang", "pin_unblock_requires", CARD_ID, "第24条", "须持本人社保卡、身份证"),
    ("xinxiang", "pin_reset_requires", CARD_ID, "第25条", "须持本人社保卡、身份证"),
    ("xinxiang", "loss_kinds", ["temporary"], "第19条", "办理挂失手续"),
    ("xinxiang", "temporary_loss_at_kiosk", True, "第19条", "通过人力资源社会保障12333咨询服务电话办理挂失手续"),
    ("xinxiang", "formal_loss_at_kiosk", False, "第19条", "办理挂失手续"),
    ("xinxiang", "lift_formal_loss_allowed", False, "第19条", "办理社保账户解除挂失"),
    ("xinxiang", "replacement_requires_formal_loss", False, "第9条, 第19条", "社保卡因丢失、损坏"),
    ("xinxiang", "renewal_at_kiosk", False, "第9条", "需到社保卡服务窗口申请补（换）卡，并交纳补（换）卡费用"),
    ("xinxiang", "renewal_reasons_at_kiosk", [], "第9条", "交纳补（换）卡费用"),
    ("xinxiang", "editable_fields", ["phone", "address", "mailing_address"], "第18条",
     "通讯地址、联系电话等非社保卡卡面的个人信息"),
    ("xinxiang", "profile_change_at_kiosk", True, "第18条", "通过自助服务终端、社保卡服务网站办理社保账户个人信息变更"),
    ("xinxiang", "key_fields", ["name", "ssn", "photo", "card_face"], "第9条", "卡面个人信息变更"),
    ("xinxiang", "first_card_free", True, "第6条", "首次申领社保卡免交卡工本费"),
    ("xinxiang", "production_stages", list(PRODUCTION_STAGES), "第5条", "卡商将制好的卡片交由初始化商进行个人化"),
    ("xinxiang", "query_at_kiosk", True, "第22条", "通过自助服务终端、社保卡服务网站等方式，查询本人社保信息"),
]

# (jurisdiction, service, offered, article, reason, refer_to)
OFFERS = [
    ("hainan", "pin_change", False, "第14条", "pin_not_in_use", ()),
    ("hainan", "pin_reset", False, "第14条", "pin_not_in_use", ()),
    ("hainan", "pin_unblock", False, "第14条", "pin_not_in_use", ()),
    ("hainan", "temporary_loss", True, "第17条", None, ()),
    ("hainan", "formal_loss", False, "第18条", "not_at_kiosk", ("bank", "online")),
    ("hainan", "lift_loss", False, "第19条", "not_at_kiosk", ("bank",)),
    ("hainan", "profile_change", True, "第23条", None, ()),
    ("hainan", "renewal", True, "第22条", None, ()),
    ("hubei", "pin_change", True, "第20条", None, ()),
    ("hubei", "pin_reset", True, "第21条", None, ()),
    ("hubei", "pin_unblock", True, "第21条", None, ()),
    ("hubei", "temporary_loss", True, "第29条", None, ()),
    ("hubei", "formal_loss", True, "第29条", None, ()),
    ("hubei", "lift_loss", True, "第30条", None, ()),   # a temporary one; a formal one: rule
    ("hubei", "profile_change", True, "第26条", None, ()),
    ("hubei", "progress", True, "第27条", None, ()),
    ("hubei", "renewal", True, "第6条", None, ()),
    ("hunan", "pin_change", True, None, None, ()),       # 第14条 silent on self-service: default
    ("hunan", "formal_loss", False, "第28条", "not_at_kiosk", ("bank",)),
    ("hunan", "lift_loss", False, "第29条", "not_at_kiosk", ("bank",)),
    ("hunan", "profile_change", False, "第25条", "not_at_kiosk", ("bank",)),
    ("hunan", "card_status", True, "第26条", None, ()),
    ("sichuan", "pin_reset", True, None, None, ()),
    ("sichuan", "temporary_loss", True, None, None, ()),
    ("sichuan", "formal_loss", False, "第17条", "not_at_kiosk", ("counter",)),
    ("sichuan", "renewal", True, "第33条", None, ()),
    ("xinxiang", "formal_loss", False, "第19条", "loss_kind_not_in_use", ()),
    ("xinxiang", "temporary_loss", True, "第19条", None, ()),
    ("xinxiang", "renewal", False, "第9条", "not_at_kiosk", ("counter",)),
    ("xinxiang", "profile_change", True, "第18条", None, ()),
]


# --- the regulation texts -----------------------------------------------------------

_CN = {c: i for i, c in enumerate("零一二三四五六七八九")}
_HEADING = re.compile(r"^[\s*#>\-]*第([一二三四五六七八九十]+)条(?:\*\*)?[\s\u3000]")


def _cn_number(s: str) -> int:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)
    return _CN[s]


def _articles(text_file: str) -> dict[int, str]:
    """Article number -> its text with whitespace and markdown bold removed."""
    text = (REGULATIONS_DIR / text_file).read_text(encoding="utf-8")
    # a heading run into the previous article's line (Hainan 第四十条)
    text = re.sub(r"。[ \u3000]+(第[一二三四五六七八九十]+条[ \u3000])", "。\n\\1", text)
    articles: dict[int, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            current = _cn_number(m.group(1))
            assert current not in articles, f"{text_file}: article {current} twice"
            articles[current] = []
        if current is not None:
            articles[current].append(line)
    return {n: re.sub(r"\s|\*\*", "", "".join(lines)) for n, lines in articles.items()}


def _cited(article: str) -> list[int]:
    numbers = []
    for part in article.split(", "):
        m = re.match(r"第(\d+)(?:-(\d+))?条", part)
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        numbers.extend(range(lo, hi + 1))
    return numbers


needs_texts = pytest.mark.skipif(not REGULATIONS_DIR.is_dir(),
                                 reason=f"regulation texts not at {REGULATIONS_DIR}")
_TEXTS: dict[str, dict[int, str]] = {}


def _text_of(j: str) -> dict[int, str]:
    if j not in _TEXTS:
        _TEXTS[j] = _articles(PACKS[j].regulation.text)
    return _TEXTS[j]


# --- the API ------------------------------------------------------------------------

def test_jurisdictions_and_services():
    assert jurisdictions() == JURISDICTIONS
    assert SERVICES == ("pin_change", "pin_reset", "pin_unblock", "temporary_loss", "formal_loss",
                        "lift_loss", "profile_change", "card_status", "progress", "renewal")
    assert isinstance(PACKS["hubei"], RulePack)
    assert isinstance(PACKS["hubei"].rule("pin_in_use"), Rule)
    assert isinstance(PACKS["hubei"].offers("pin_change"), Offer)


@pytest.mark.parametrize("j", JURISDICTIONS)
def test_every_pack_states_every_key_with_its_source(j):
    pack = PACKS[j]
    assert set(pack.rules) == set(RULE_KEYS)
    for key, rule in pack.rules.items():
        assert rule.key == key
        if rule.source == "regulation":
            assert rule.article and ARTICLE_RE.match(rule.article), key
        else:
            assert rule.source == "default", key
            assert rule.article is None, key
            assert rule.value == DEFAULT.value(key), key


def test_default_pack_is_the_default_column_only():
    assert all(r.source == "default" and r.article is None for r in DEFAULT.rules.values())
    assert not DEFAULT.lapsed(dt.date(2999, 1, 1))
    assert DEFAULT.value("temporary_loss_durations") == ["until_lifted"]
    assert DEFAULT.value("editable_fields") == ["phone", "address", "mailing_address"]
    assert DEFAULT.value("renewal_reasons") == DEFAULT_REASONS


# --- the cells ------------------------------------------------------------------------

@pytest.mark.parametrize("j,key,value,article,words", CELLS,
                         ids=[f"{c[0]}-{c[1]}" for c in CELLS])
def test_cell(j, key, value, article, words):
    rule = PACKS[j].rule(key)
    assert rule.source == "regulation"
    assert rule.article == article
    if isinstance(value, list) and key != "production_stages":
        assert sorted(rule.value) == sorted(value)
    else:
        assert rule.value == value


@needs_texts
@pytest.mark.parametrize("j,key,value,article,words", CELLS,
                         ids=[f"{c[0]}-{c[1]}" for c in CELLS])
def test_cell_article_says_it(j, key, value, article, words):
    texts = _text_of(j)
    cited = "".join(texts[n] for n in _cited(article))
    assert re.sub(r"\s", "", words) in cited, f"{j} {article} does not say {words!r}"


@pytest.mark.parametrize("j", JURISDICTIONS)
def test_every_difference_from_the_default_is_in_the_table(j):
    tabled = {(c[0], c[1]) for c in CELLS}
    differing = [k for k, r in PACKS[j].rules.items() if r.value != DEFAULT.value(k)]
    assert differing, j
    assert [k for k in differing if (j, k) not in tabled] == []


@needs_texts
@pytest.mark.parametrize("j", JURISDICTIONS)
def test_every_cited_article_exists(j):
    pack, texts = PACKS[j], _text_of(j)
    assert sorted(texts) == list(range(1, max(texts) + 1)), "article headings parsed in order"
    cited = [pack.regulation.article] + [a for r in pack.rules.values()
                                         for a in (r.article, r.see) if a]
    for article in cited:
        for n in _cited(article):
            assert n in texts, f"{j}: {article} not in {pack.regulation.text}"


# --- regulation, dates ----------------------------------------------------------------

@pytest.mark.parametrize("j,number,start,until,article,words", [
    ("hunan", "湘人社规〔2021〕17号", dt.date(2021, 10, 1), dt.date(2026, 9, 30), "第44条",
     "自2021年10月1日起施行，有效期5年"),
    ("hubei", "鄂人社办发〔2022〕24号", dt.date(2022, 10, 17), None, "第52条", "自印发之日起试行"),
    ("hainan", "琼府办〔2021〕60号", dt.date(2022, 1, 1), None, "第47条", "自2022年1月1日起施行"),
    ("sichuan", "川人社规〔2023〕6号", dt.date(2023, 9, 1), dt.date(2028, 8, 31), "第34条",
     "自2023年9月1日起施行，有效期5年"),
    ("xinxiang", "新人社〔2017〕145号", dt.date(2017, 10, 9), None, "第34条", "自公布之日起施行"),
])
def test_regulation(j, number, start, until, article, words):
    reg = PACKS[j].regulation
    assert (reg.number, reg.in_force_from, reg.in_force_until, reg.article) == \
        (number, start, until, article)
    assert reg.title and (REGULATIONS_DIR / reg.text).name == reg.text
    if REGULATIONS_DIR.is_dir():
        assert words in _text_of(j)[_cited(article)[0]]
        assert number in (REGULATIONS_DIR / reg.text).read_text(encoding="utf-8")


def test_hunan_lapses_after_2026_09_30_and_not_before():
    hunan = PACKS["hunan"]
    assert not hunan.lapsed(dt.date(2026, 9, 30))
    assert hunan.lapsed(dt.date(2026, 10, 1))
    assert hunan.in_force(dt.date(2026, 9, 30)) and not hunan.in_force(dt.date(2026, 10, 1))
    assert not hunan.in_force(dt.date(2021, 9, 30))
    assert load_pack("hunan").value("pin_max_tries") == 6     # a lapsed pack still loads


def test_sichuan_lapses_after_2028_08_31_others_never():
    assert not PACKS["sichuan"].lapsed(dt.date(2028, 8, 31))
    assert PACKS["sichuan"].lapsed(dt.date(2028, 9, 1))
    for j in ("hubei", "hainan", "xinxiang"):
        assert not PACKS[j].lapsed(dt.date(2100, 1, 1))


# --- services -------------------------------------------------------------------------

@pytest.mark.parametrize("j,service,offered,article,reason,refer_to", OFFERS,
                         ids=[f"{o[0]}-{o[1]}" for o in OFFERS])
def test_offers(j, service, offered, article, reason, refer_to):
    offer = PACKS[j].offers(service)
    assert (offer.service, offer.offered, offer.article, offer.reason, offer.refer_to) == \
        (service, offered, article, reason, refer_to)
    assert offer.source == ("default" if article is None else "regulation")


def test_hainan_offers_no_pin_service_because_of_article_14():
    hainan = PACKS["hainan"]
    for service in ("pin_change", "pin_reset", "pin_unblock"):
        assert hainan.offers(service) == Offer(service, False, "第14条", "pin_not_in_use",
                                               source="regulation")
    assert hainan.value("pin_max_tries") is None
    assert "pin_change" not in hainan.offered_services()


@pytest.mark.parametrize("j", JURISDICTIONS)
def test_offers_follow_the_rules(j):
    pack = PACKS[j]
    for service in SERVICES:
        offer = pack.offers(service)
        if service.startswith("pin_") and not pack.value("pin_in_use"):
            assert not offer.offered
        if service == "formal_loss":
            assert offer.offered == ("formal" in pack.value("loss_kinds")
                                     and pack.value("formal_loss_at_kiosk"))
        if not offer.offered:
            assert offer.reason and offer.article
        else:
            assert offer.reason is None and offer.refer_to == ()


def test_hubei_formal_loss_is_never_lifted_a_temporary_one_is():
    hubei = PACKS["hubei"]
    assert hubei.rule("lift_formal_loss_allowed") == Rule(
        "lift_formal_loss_allowed", False, "第29条", "regulation", note="正式挂失不能解除挂失")
    assert hubei.value("lift_temporary_loss_allowed") is True
    assert hubei.offers("lift_loss").offered
    for j in ("hunan", "hainan", "sichuan"):
        assert PACKS[j].value("lift_formal_loss_allowed") is True


def test_unknown_service_and_rule_are_policy_errors():
    with pytest.raises(PolicyError, match="unknown service 'coffee'"):
        PACKS["hubei"].offers("coffee")
    with pytest.raises(PolicyError) as e:
        PACKS["hubei"].rule("pin_colour")
    assert e.value.key == "pin_colour" and "hubei.toml" in str(e.value)
    with pytest.raises(PolicyError):
        PACKS["hubei"].value("pin_colour")


# --- loss durations -------------------------------------------------------------------

@pytest.mark.parametrize("j,durations", [
    ("hunan", ["until_lifted"]), ("hubei", ["until_lifted"]), ("xinxiang", ["until_lifted"]),
    ("sichuan", ["7d"]), ("hainan", ["15d", "long"]),
])
def test_temporary_loss_durations(j, durations):
    assert PACKS[j].value("temporary_loss_durations") == durations


def test_loss_auto_lift_days():
    assert PACKS["sichuan"].loss_auto_lift_days("7d") == 7
    assert PACKS["hainan"].loss_auto_lift_days("15d") == 15
    assert PACKS["hainan"].loss_auto_lift_days("long") is None
    assert PACKS["hubei"].loss_auto_lift_days("until_lifted") is None
    with pytest.raises(PolicyError, match="does not offer"):
        PACKS["sichuan"].loss_auto_lift_days("15d")
    with pytest.raises(PolicyError, match="does not offer"):
        PACKS["hunan"].loss_auto_lift_days("7d")
    with pytest.raises(PolicyError, match="unknown temporary loss duration"):
        PACKS["hainan"].loss_auto_lift_days("3d")


def test_resolve_loss_duration():
    assert PACKS["sichuan"].resolve_loss_duration(None) == "7d"
    assert PACKS["hubei"].resolve_loss_duration(None) == "until_lifted"
    assert PACKS["hainan"].resolve_loss_duration("long") == "long"
    with pytest.raises(PolicyError, match="choose"):
        PACKS["hainan"].resolve_loss_duration(None)


def test_xinxiang_has_one_loss_kind():
    xinxiang = PACKS["xinxiang"]
    assert xinxiang.value("loss_kinds") == ["temporary"]
    assert xinxiang.offers("formal_loss").reason == "loss_kind_not_in_use"
    assert xinxiang.value("replacement_requires_formal_loss") is False


# --- fields, reasons, photo, production -------------------------------------------------

@pytest.mark.parametrize("j,fields", [
    ("hunan", {"phone", "address", "mailing_address"}),
    ("hubei", {"phone", "address", "mailing_address", "id_valid_until", "ethnicity",
               "nationality", "gender"}),
    ("hainan", {"phone", "address", "mailing_address"}),
    ("sichuan", {"phone", "address", "mailing_address"}),
    ("xinxiang", {"phone", "address", "mailing_address"}),
])
def test_editable_fields(j, fields):
    assert set(PACKS[j].value("editable_fields")) == fields
    assert not fields & set(PACKS[j].value("key_fields"))


@pytest.mark.parametrize("j,extra", [
    ("hunan", set()), ("hubei", {"appearance_changed", "child_reaches_7"}),
    ("hainan", {"voluntary"}), ("sichuan", {"appearance_changed", "bank_change", "reaching_18"}),
    ("xinxiang", set()),
])
def test_renewal_reasons(j, extra):
    pack = PACKS[j]
    assert set(pack.value("renewal_reasons")) == set(DEFAULT_REASONS) | extra
    at_kiosk = set(pack.value("renewal_reasons_at_kiosk"))
    assert at_kiosk <= set(pack.value("renewal_reasons"))
    assert "face_info_changed" not in at_kiosk and "other" not in at_kiosk


@pytest.mark.parametrize("j", JURISDICTIONS)
def test_photo_rules(j):
    assert PACKS[j].value("photo") == PHOTO
    assert PACKS[j].value("photo_exempt_below_age") == 7


@pytest.mark.parametrize("j", JURISDICTIONS + ["default"])
def test_production_stages_in_order(j):
    pack = DEFAULT if j == "default" else PACKS[j]
    assert pack.value("production_stages") == [
        "accepted", "uploaded_to_province", "bank_account_opened", "card_manufactured",
        "personalised", "delivered_to_outlet", "ready_for_pickup", "collected"]


@pytest.mark.parametrize("j,normal,fast,unit", [
    ("hunan", 30, None, None), ("hubei", 29, 5, "working_days"),
    ("hainan", 30, 5, "calendar_days"), ("sichuan", 30, None, None), ("xinxiang", 30, None, None),
])
def test_production_times(j, normal, fast, unit):
    pack = PACKS[j]
    assert (pack.value("production_working_days"), pack.value("fast_production_days"),
            pack.value("fast_production_unit")) == (normal, fast, unit)


def test_agents_never_at_the_kiosk():
    for pack in PACKS.values():
        assert pack.value("agent_at_kiosk") is False


# --- validation -------------------------------------------------------------------------

def _variant(tmp_path: Path, edit, name: str = "hubei") -> Path:
    """A copy of ``name``'s pack, edited, in a file with the same name."""
    text = (PACK_DIR / f"{name}.toml").read_text(encoding="utf-8")
    new = edit(text)
    assert new != text, "the edit changed nothing"
    path = tmp_path / f"{name}.toml"
    path.write_text(new, encoding="utf-8")
    return path


def _drop_line(prefix: str):
    return lambda text: "\n".join(l for l in text.splitlines() if not l.startswith(prefix)) + "\n"


def _load_error(path: Path) -> PolicyError:
    with pytest.raises(PolicyError) as e:
        load_pack_file(path)
    return e.value


def test_the_unedited_copy_loads(tmp_path):
    path = _variant(tmp_path, lambda t: t + "\n")
    assert load_pack_file(path).rules == PACKS["hubei"].rules


@pytest.mark.parametrize("case,edit,key,message", [
    ("unknown rule", lambda t: t + 'pin_colour = { value = "red", article = "第20条" }\n',
     "rules.pin_colour", "unknown key"),
    ("missing rule", _drop_line("pin_max_tries ="), "rules.pin_max_tries", "missing key"),
    ("wrong type int", lambda t: t.replace('card_validity_years = { value = 10,',
                                           'card_validity_years = { value = "10",'),
     "rules.card_validity_years", "wrong type: expected an integer"),
    ("wrong type bool", lambda t: t.replace('pin_in_use = { value = true,', 'pin_in_use = { value = 1,'),
     "rules.pin_in_use", "wrong type: expected a boolean"),
    ("wrong list value", lambda t: t.replace('loss_kinds = { value = ["temporary", "formal"]',
                                             'loss_kinds = { value = ["temporary", "forever"]'),
     "rules.loss_kinds", "unknown value 'forever'"),
    ("photo field", lambda t: t.replace("min_kb = 14", "min_kb = 14.0"),
     "rules.photo", "photo field 'min_kb' expected integer"),
    ("bare value", lambda t: t.replace('ss_activation_needed = { value = true, article = "第18条" }',
                                       "ss_activation_needed = true"),
     "rules.ss_activation_needed", "expected a table"),
    ("no article", lambda t: t.replace('ss_activation_needed = { value = true, article = "第18条" }',
                                       "ss_activation_needed = { value = true }"),
     "rules.ss_activation_needed", "missing `article`"),
    ("bad article", lambda t: t.replace('article = "第18条"', 'article = "article 18"'),
     "rules.ss_activation_needed.article", "expected an article"),
    ("default with article", lambda t: t.replace('first_card_free = { default = true }',
                                                 'first_card_free = { default = true, article = "第6条" }'),
     "rules.first_card_free", "takes no `article`"),
    ("default false", lambda t: t.replace('first_card_free = { default = true }',
                                          'first_card_free = { default = false }'),
     "rules.first_card_free", "may only be true"),
    ("two forms", lambda t: t.replace('first_card_free = { default = true }',
                                      'first_card_free = { default = true, value = true }'),
     "rules.first_card_free", "exactly one of"),
    ("none not nullable", lambda t: t.replace('card_validity_years = { value = 10,',
                                              'card_validity_years = { none = true,'),
     "rules.card_validity_years", "cannot be none"),
    ("refer_to on true", lambda t: t.replace('formal_loss_at_kiosk = { value = true, article = "第29条",',
                                             'formal_loss_at_kiosk = { value = true, article = "第29条", refer_to = ["bank"],'),
     "rules.formal_loss_at_kiosk", "`refer_to`"),
    ("unknown entry field", lambda t: t.replace('first_card_free = { default = true }',
                                                'first_card_free = { default = true, why = "x" }'),
     "rules.first_card_free", "unknown field 'why'"),
    ("inconsistent", lambda t: t.replace('renewal_at_kiosk = { value = true,',
                                         'renewal_at_kiosk = { value = false,'),
     "rules.renewal_reasons_at_kiosk", "inconsistent"),
    ("unknown top key", lambda t: "colour = 1\n" + t, "colour", "unknown key"),
    ("jurisdiction", lambda t: t.replace('jurisdiction = "hubei"', 'jurisdiction = "hunan"'),
     "jurisdiction", "must be the file's name"),
    ("unknown regulation key", lambda t: t.replace('[regulation]\n', '[regulation]\nissuer = "x"\n'),
     "regulation.issuer", "unknown key"),
    ("missing regulation key", _drop_line("in_force_until ="), "regulation.in_force_until",
     "missing key"),
    ("regulation date type", lambda t: t.replace("in_force_from = 2022-10-17",
                                                 'in_force_from = "2022-10-17"'),
     "regulation.in_force_from", "expected a date"),
])
def test_invalid_pack_is_a_policy_error_naming_file_and_key(tmp_path, case, edit, key, message):
    path = _variant(tmp_path, edit)
    err = _load_error(path)
    assert err.key == key and err.file == str(path)
    assert str(path) in str(err) and f"key '{key}'" in str(err) and message in str(err)


def test_pin_rules_must_agree_when_no_pin(tmp_path):
    path = _variant(tmp_path, lambda t: t.replace(
        'pin_max_tries = { none = true, article = "第14条" }',
        'pin_max_tries = { value = 6, article = "第14条" }'), name="hainan")
    err = _load_error(path)
    assert err.key == "rules.pin_max_tries" and "no PIN in use" in str(err)


def test_missing_default_value_fails_the_pack_that_defers_to_it(tmp_path):
    defaults = tmp_path / "default.toml"
    defaults.write_text(_drop_line("first_card_free =")(
        (PACK_DIR / "default.toml").read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_pack_file(PACK_DIR / "hubei.toml", defaults=defaults)
    assert e.value.key == "rules.first_card_free" and e.value.file == str(defaults)


def test_broken_toml_and_missing_file(tmp_path):
    bad = tmp_path / "hubei.toml"
    bad.write_text("schema = \n", encoding="utf-8")
    assert "not valid TOML" in str(_load_error(bad))
    assert "not found" in str(_load_error(tmp_path / "nowhere.toml"))


@pytest.mark.parametrize("name", ["beijing", "../default", "Hubei", "", "default.toml"])
def test_unknown_jurisdiction(name):
    with pytest.raises(PolicyError, match="unknown jurisdiction"):
        load_pack(name)
