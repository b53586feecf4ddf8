"""What the kiosk knows about a social security card and its holder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import ssn as ssn_rules

ALGORITHMS = {0x01: "DES", 0x02: "SSF33", 0x03: "SM4"}
GENDERS = {"1": "male", "2": "female", "9": "unstated"}


@dataclass(frozen=True)
class CardData:
    """EF05: the card's own data."""

    card_id_code: bytes          # 16 bytes, 卡识别码
    card_type: str               # 卡类别
    spec_version: str            # 规范版本, e.g. "3.00"
    issuer: str                  # 初始化机构编号 (BCD digits)
    card_no: str                 # 卡号, 9 ASCII characters
    issued_on: dt.date | None = None   # guarded: known after authentication
    expires_on: dt.date | None = None  # guarded

    @property
    def region(self) -> str:
        """The 6-digit region code from the card identification code (3 BCD bytes)."""
        return self.card_id_code[:3].hex().upper()


@dataclass(frozen=True)
class Holder:
    """EF06: the holder, readable only after authentication."""

    ssn: str
    name: str
    gender: str                  # male | female | unstated
    ethnicity: str               # GB/T 3304 two-digit code
    birthplace: str              # region code digits
    birth_date: dt.date | None
    ssn_problem: str | None = field(default=None)  # see kiosk.ssn.problem

    @property
    def ssn_masked(self) -> str:
        return ssn_rules.mask(self.ssn)


@dataclass(frozen=True)
class CardInfo:
    reader: str
    atr: bytes
    algorithm: str
    card: CardData
    holder: Holder | None
    card_auth_id: str | None = None  # the back office's handle of this authentication

    def to_json_dict(self) -> dict:
        """The object ``kiosk card info --json`` prints (keys fixed by issue #2)."""
        def day(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        h = self.holder
        return {
            "reader": self.reader,
            "atr": self.atr.hex().upper(),
            "algorithm": self.algorithm,
            "card_no": self.card.card_no,
            "card_id_code": self.card.card_id_code.hex().upper(),
            "region": self.card.region,
            "card_type": self.card.card_type,
            "spec_version": self.card.spec_version,
            "issued_on": day(self.card.issued_on),
            "expires_on": day(self.card.expires_on),
            "ssn": h.ssn if h else None,
            "name": h.name if h else None,
            "gender": h.gender if h else None,
            "ethnicity": h.ethnicity if h else None,
            "birthplace": h.birthplace if h else None,
            "birth_date": day(h.birth_date) if h else None,
        }


@dataclass(frozen=True)
class CardAuthRequest:
    """What the kiosk sends to the back office's HSM step (``POST /v1/card-auth``)."""

    card_no: str
    card_id_code: bytes
    internal_random: bytes     # R1
    internal_response: bytes   # the card's SM4(K_IA, R1)
    external_challenge: bytes  # R2 from GET CHALLENGE


@dataclass(frozen=True)
class CardAuthAnswer:
    card_auth_id: str
    external_auth: bytes       # SM4(K_EA, R2), sent in EXTERNAL AUTHENTICATE
