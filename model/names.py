"""The forms names are compared and decided in: pure text rules, no vocabulary.

Every stage that keys a name needs the same key: the normalizers match names
in it, a person's decision about a name (``disclosures map``) is stored in it
(``db.review``), and the export finds the decision that gave a stored match
its target by it (``db.export``). So the key functions live here, in the
shared model, and the vocabularies that use them stay in ``normalizers``.

* ``name_key``: 支出功能分类 / 经济分类 / 三级指标 names — folded, without
  spaces, quotes or a leading enumerator;
* ``level_key``: 一级/二级指标 names, also without points, numbering or 指标;
* ``organization_key``: a publishing unit's name in its region-prefixed short
  form (rules in ``normalizers.organizations``' docstring).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from disclosures.model.errors import BadInput
from disclosures.model.numbers import fold

# leading enumerators a recognizer may have left: 1. 9、 （一） 十、
_ENUM_RE = re.compile(r"^(\d+\s*[.、]|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、)\s*")
_QUOTES_RE = re.compile(r"[“”\"'‘’「」『』]")
# a level cell may carry its points or a numbering: 一、产出指标（50分）
_LEVEL_NOISE_RE = re.compile(r"\([^)]*[\d分][^)]*\)|^[一二三四五六七八九十]+、")

_HAN = "\u4e00-\u9fff"
# province-level: 江苏省, 广西壮族自治区, and the four municipalities
_PROVINCE_RE = re.compile(rf"^(?:[{_HAN}]{{2,3}}?省|[{_HAN}]{{2,8}}?自治区|北京市|上海市|天津市|重庆市)")
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_CITY_RE = re.compile(rf"^(?:[{_HAN}]{{2,4}}?(?:市|自治州|地区|盟))(?!场|民|政府|委员会|级)")
_COUNTY_RE = re.compile(rf"^(?:[{_HAN}]{{1,4}}?(?:自治县|区|县|旗))(?!委员会|域|级)")
PARTY_RE = re.compile(r"^(?:中国共产党|中共)")
# a party committee of a region written bare: 泸州市委政法委, 江苏省委办公厅
_LEVEL_WORD_RE = re.compile(r"^(?:省|市|区|县|州|旗)(?=委|人大|政协|人民)")
# 省人大办公厅: 人大 for its 常委会 (the 人民代表大会 itself publishes no budget)
_NPC_SHORT_RE = re.compile(r"人大(?!常委会)(?=办公厅|办公室|机关|$)")
_CPPCC_RE = re.compile(r"^中国人民政治协商会议(?P<region>.*?)委员会")
_BODY_OFFICE_RE = re.compile(r"(人大常委会|政协)(?:机关)?(?:办公厅|办公室)$")
_SPACE_RE = re.compile(r"\s+")


def name_key(text: str) -> str:
    """The form names are compared in: folded, no spaces, quotes or enumerator."""
    s = _QUOTES_RE.sub("", fold(text))
    s = re.sub(r"\s+", "", s)
    s = _ENUM_RE.sub("", s)
    return s.rstrip(":：;；,，.。")


def level_key(text: str) -> str:
    """``产出指标（50分）`` → ``产出``: compared without points, numbering or 指标."""
    s = _LEVEL_NOISE_RE.sub("", name_key(text))
    return s[:-2] if s.endswith("指标") and len(s) > 2 else s


@dataclass(frozen=True)
class RegionParts:
    province: str | None
    city: str | None
    county: str | None

    @property
    def prefix(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county) if p)

    @property
    def level(self) -> str | None:
        """省 | 市 | 区县: the level of the unit's government (上海市普陀区 is 区县,
        上海市 itself 省)."""
        if self.county:
            return "区县"
        if self.city and self.city not in MUNICIPALITIES:
            return "市"
        if self.province or self.city:
            return "省"
        return None


def split_region(text: str) -> tuple[RegionParts, str]:
    """``上海市普陀区商务委员会`` → (– / 上海市 / 普陀区, ``商务委员会``)."""
    rest = text
    parts: list[str | None] = []
    for pattern in (_PROVINCE_RE, _CITY_RE, _COUNTY_RE):
        m = pattern.match(rest)
        parts.append(m.group(0) if m else None)
        rest = rest[m.end():] if m else rest
    province, city, county = parts
    if province in MUNICIPALITIES:
        province, city = None, province
    return RegionParts(province, city, county), rest


def clean_name(text: str | None) -> str:
    """A unit's name folded, without spaces or surrounding quotes."""
    return _SPACE_RE.sub("", fold(text or "")).strip("“”\"'")


def region_prefix(parts: RegionParts) -> str:
    """The region as the key writes it: a city (or municipality) with its county;
    the province only when no city is named (四川省泸州市 and 泸州市 are one
    city: prefecture-level names are unique across provinces)."""
    if parts.city:
        return parts.city + (parts.county or "")
    return (parts.province or "") + (parts.county or "")


def organization_key(name: str, region: str | None = None) -> str:
    """The comparison form of a unit's name: region-prefixed, 中共…委 short forms."""
    s = clean_name(name)
    cppcc = _CPPCC_RE.match(s)
    if cppcc:
        s = f"{cppcc.group('region')}政协{s[cppcc.end():]}"
    party = bool(PARTY_RE.match(s))
    s = PARTY_RE.sub("", s).replace("人民代表大会常务委员会", "人大常委会")
    parts, rest = split_region(s)
    stated = split_region(clean_name(region))[0] if region else RegionParts(None, None, None)
    prefix = region_prefix(parts)
    if not prefix:
        # 省人大办公厅, 市委政法委: only the level word; the document says which region
        rest = _LEVEL_WORD_RE.sub("", rest)
        prefix = region_prefix(stated)
    elif region_prefix(stated).endswith(prefix):
        # 普陀区商务委员会 in a document of 上海市普陀区
        prefix = region_prefix(stated)
    # 泸州市委 / 江苏省委 / 中共泸州市委员会: the region's party committee
    if rest.startswith("委"):
        party = True
    rest = rest.replace("委员会", "委")
    rest = _NPC_SHORT_RE.sub("人大常委会", rest)
    rest = _BODY_OFFICE_RE.sub(r"\1", rest)
    return ("中共" if party else "") + prefix + rest


# -- decisions: a person's "this name means that" is keyed by its kind's key -----------

KINDS = ("subject", "economic", "indicator", "level1", "level2", "organization")

KEY_OF: dict[str, Callable[[str], str]] = {
    "subject": name_key,
    "economic": name_key,
    "indicator": name_key,
    "level1": level_key,
    "level2": level_key,
    "organization": organization_key,
}


class ReviewError(BadInput):
    """A decision that cannot be recorded: unknown kind, empty name, or a target
    the vocabulary does not know."""


def decision_key(kind: str, raw: str) -> str:
    """The form a raw name is decided and looked up in."""
    if kind not in KEY_OF:
        raise ReviewError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    key = KEY_OF[kind](raw or "")
    if not key:
        raise ReviewError(f"{kind} name {raw!r} is empty once normalized")
    return key
