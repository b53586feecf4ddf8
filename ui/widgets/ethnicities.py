"""The ethnic groups of GB/T 3304 (``"01"`` 汉族 ... ``"56"`` 基诺族, ``"97"`` 其他,
``"98"`` 外国血统中国籍人士), names translated: the items of the ethnicity list picker."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from .picker_parts import Items


def ethnicity_items() -> Items:
    """``[(code, name)]`` of GB/T 3304 in code order, names in the current language."""
    translate = QCoreApplication.translate
    return [
        #: en: Han
        ("01", translate("ethnicity", "汉族")),
        #: en: Mongol
        ("02", translate("ethnicity", "蒙古族")),
        #: en: Hui
        ("03", translate("ethnicity", "回族")),
        #: en: Tibetan
        ("04", translate("ethnicity", "藏族")),
        #: en: Uyghur
        ("05", translate("ethnicity", "维吾尔族")),
        #: en: Miao
        ("06", translate("ethnicity", "苗族")),
        #: en: Yi
        ("07", translate("ethnicity", "彝族")),
        #: en: Zhuang
        ("08", translate("ethnicity", "壮族")),
        #: en: Bouyei
        ("09", translate("ethnicity", "布依族")),
        #: en: Korean
        ("10", translate("ethnicity", "朝鲜族")),
        #: en: Manchu
        ("11", translate("ethnicity", "满族")),
        #: en: Dong
        ("12", translate("ethnicity", "侗族")),
        #: en: Yao
        ("13", translate("ethnicity", "瑶族")),
        #: en: Bai
        ("14", translate("ethnicity", "白族")),
        #: en: Tujia
        ("15", translate("ethnicity", "土家族")),
        #: en: Hani
        ("16", translate("ethnicity", "哈尼族")),
        #: en: Kazakh
        ("17", translate("ethnicity", "哈萨克族")),
        #: en: Dai
        ("18", translate("ethnicity", "傣族")),
        #: en: Li
        ("19", translate("ethnicity", "黎族")),
        #: en: Lisu
        ("20", translate("ethnicity", "傈僳族")),
        #: en: Va
        ("21", translate("ethnicity", "佤族")),
        #: en: She
        ("22", translate("ethnicity", "畲族")),
        #: en: Gaoshan
        ("23", translate("ethnicity", "高山族")),
        #: en: Lahu
        ("24", translate("ethnicity", "拉祜族")),
        #: en: Sui
        ("25", translate("ethnicity", "水族")),
        #: en: Dongxiang
        ("26", translate("ethnicity", "东乡族")),
        #: en: Naxi
        ("27", translate("ethnicity", "纳西族")),
        #: en: Jingpo
        ("28", translate("ethnicity", "景颇族")),
        #: en: Kyrgyz
        ("29", translate("ethnicity", "柯尔克孜族")),
        #: en: Tu
        ("30", translate("ethnicity", "土族")),
        #: en: Daur
        ("31", translate("ethnicity", "达斡尔族")),
        #: en: Mulao
        ("32", translate("ethnicity", "仫佬族")),
        #: en: Qiang
        ("33", translate("ethnicity", "羌族")),
        #: en: Blang
        ("34", translate("ethnicity", "布朗族")),
        #: en: Salar
        ("35", translate("ethnicity", "撒拉族")),
        #: en: Maonan
        ("36", translate("ethnicity", "毛南族")),
        #: en: Gelao
        ("37", translate("ethnicity", "仡佬族")),
        #: en: Xibe
        ("38", translate("ethnicity", "锡伯族")),
        #: en: Achang
        ("39", translate("ethnicity", "阿昌族")),
        #: en: Pumi
        ("40", translate("ethnicity", "普米族")),
        #: en: Tajik
        ("41", translate("ethnicity", "塔吉克族")),
        #: en: Nu
        ("42", translate("ethnicity", "怒族")),
        #: en: Uzbek
        ("43", translate("ethnicity", "乌孜别克族")),
        #: en: Russian
        ("44", translate("ethnicity", "俄罗斯族")),
        #: en: Evenki
        ("45", translate("ethnicity", "鄂温克族")),
        #: en: De'ang
        ("46", translate("ethnicity", "德昂族")),
        #: en: Bonan
        ("47", translate("ethnicity", "保安族")),
        #: en: Yugur
        ("48", translate("ethnicity", "裕固族")),
        #: en: Gin
        ("49", translate("ethnicity", "京族")),
        #: en: Tatar
        ("50", translate("ethnicity", "塔塔尔族")),
        #: en: Derung
        ("51", translate("ethnicity", "独龙族")),
        #: en: Oroqen
        ("52", translate("ethnicity", "鄂伦春族")),
        #: en: Hezhen
        ("53", translate("ethnicity", "赫哲族")),
        #: en: Monba
        ("54", translate("ethnicity", "门巴族")),
        #: en: Lhoba
        ("55", translate("ethnicity", "珞巴族")),
        #: en: Jino
        ("56", translate("ethnicity", "基诺族")),
        #: en: Other
        ("97", translate("ethnicity", "其他")),
        #: en: Of foreign origin
        ("98", translate("ethnicity", "外国血统中国籍人士")),
    ]
