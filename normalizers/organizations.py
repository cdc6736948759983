"""Publishing units: one stable id for the short and full names of one unit.

A department names itself differently from year to year and from page to page:
泸州市委政法委 (the seed's heading), 中共泸州市委政法委员会 (its seal),
中国共产党泸州市委员会政法委员会 (the formal name). ``organization_key`` folds
those into one key with generic rules, not per-unit lists:

* 中国共产党 ↔ 中共, and a party committee written without either
  (泸州市委…) is the same 中共 committee;
* ``X委员会`` ↔ ``X委`` (政法委员会 = 政法委, 泸州市委员会 = 泸州市委);
* 人民代表大会常务委员会 = 人大常委会, 中国人民政治协商会议X委员会 = X政协;
* the 办公厅/办公室 of a 人大常委会 or 政协 publishes that body's 部门预算 as
  its 机关 (江苏省人大常委会2019年度部门预算 and 江苏省人大常委会办公厅2019年部门
  预算公开表 are one budget), so there the suffix is dropped; elsewhere an
  办公厅 is a unit of its own (江苏省委办公厅, 普陀区人民政府办公室);
* a name written without its region (省人大办公厅, in 江苏's 2018 file) takes
  the document's region.

The id is the key: region-prefixed short form (``中共泸州市委政法委``), the
same across years, so one department's reports join. ``data/organizations.csv``
names known units (canonical full name, region level, aliases with their
sources); a name whose key matches an entry's name or alias gets that entry's
id, any other name its own key.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from disclosures.model.errors import BadInput
from disclosures.model.numbers import fold

DATA = Path(__file__).resolve().parent / "data"

_HAN = "\u4e00-\u9fff"
# province-level: 江苏省, 广西壮族自治区, and the four municipalities
_PROVINCE_RE = re.compile(rf"^(?:[{_HAN}]{{2,3}}?省|[{_HAN}]{{2,8}}?自治区|北京市|上海市|天津市|重庆市)")
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_CITY_RE = re.compile(rf"^(?:[{_HAN}]{{2,4}}?(?:市|自治州|地区|盟))(?!场|级)")
_COUNTY_RE = re.compile(rf"^(?:[{_HAN}]{{1,4}}?(?:自治县|区|县|旗))(?!委员会|域|级)")
_PARTY_RE = re.compile(r"^(?:中国共产党|中共)")
# a party committee of a region written bare: 泸州市委政法委, 江苏省委办公厅
_LEVEL_WORD_RE = re.compile(r"^(?:省|市|区|县|州|旗)(?=委|人大|政协|人民)")
# 省人大办公厅: 人大 for its 常委会 (the 人民代表大会 itself publishes no budget)
_NPC_SHORT_RE = re.compile(r"人大(?!常委会)(?=办公厅|办公室|机关|$)")
_CPPCC_RE = re.compile(r"^中国人民政治协商会议(?P<region>.*?)委员会")
_BODY_OFFICE_RE = re.compile(r"(人大常委会|政协)(?:机关)?(?:办公厅|办公室)$")
_SPACE_RE = re.compile(r"\s+")
# the central government's own units (国务院国资委, 国家统计局, 中共中央…办公厅); a
# name that goes on to a region is a local office (国家税务总局…市税务局)
_CENTRAL_RE = re.compile(r"^(?:国务院|国家|中共中央|中央|全国人大|全国政协|最高人民)")
_REGION_INSIDE_RE = re.compile(rf"[{_HAN}]{{2,7}}?(?:省|自治区|市|自治州|地区|盟|县|区|旗)(?!场|级|域|委员会)")


class OrganizationError(BadInput):
    """An organizations.csv row the loader cannot use."""


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
        上海市 itself 省); central units are 中央 (``region_level``)."""
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


def is_central(name: str) -> bool:
    """A unit of the central government: 国务院国资委, 国家统计局, not 国家税务总局X市税务局."""
    text = _clean(name)
    m = _CENTRAL_RE.match(text)
    return m is not None and not _REGION_INSIDE_RE.search(text, m.end())


def region_level(name: str | None, region: str | None = None) -> str | None:
    """中央 | 省 | 市 | 区县 from the name's region prefix, else from the stated region."""
    if name and is_central(name):
        return "中央"
    for text in (name, region):
        if text:
            parts, _ = split_region(_PARTY_RE.sub("", _clean(text)))
            if parts.level:
                return parts.level
    return None


def _clean(text: str) -> str:
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
    s = _clean(name)
    cppcc = _CPPCC_RE.match(s)
    if cppcc:
        s = f"{cppcc.group('region')}政协{s[cppcc.end():]}"
    party = bool(_PARTY_RE.match(s))
    s = _PARTY_RE.sub("", s).replace("人民代表大会常务委员会", "人大常委会")
    parts, rest = split_region(s)
    stated = split_region(_clean(region))[0] if region else RegionParts(None, None, None)
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


@dataclass(frozen=True)
class Organization:
    id: str
    name: str  # the canonical full name
    region_level: str | None
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganizationMatch:
    id: str | None
    name: str | None
    region_level: str | None
    method: str = "none"  # exact | alias | rule | review | none


class OrganizationVocabulary:
    def __init__(self, organizations: list[Organization]) -> None:
        self.by_id = {o.id: o for o in organizations}
        if len(self.by_id) != len(organizations):
            raise OrganizationError("organization id listed twice in organizations.csv")
        self.by_key: dict[str, Organization] = {}
        for o in organizations:
            for n in (o.name, *o.aliases):
                key = organization_key(n)
                other = self.by_key.get(key)
                if other is not None and other.id != o.id:
                    raise OrganizationError(f"{n!r} names both {other.id!r} and {o.id!r}")
                self.by_key[key] = o

    def identify(self, name: str | None, region: str | None = None) -> OrganizationMatch:
        """The unit a name (and the document's region) denotes."""
        if not name or not _clean(name):
            return OrganizationMatch(None, None, region_level(None, region))
        key = organization_key(name, region)
        known = self.by_key.get(key)
        if known is not None:
            return OrganizationMatch(known.id, known.name, known.region_level, "alias")
        return OrganizationMatch(key, None, region_level(name, region) or region_level(key, region), "rule")


def read_organizations(path: Path) -> list[Organization]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Organization(r["id"], r["name"], r["region_level"] or None,
                             tuple(a for a in r["aliases"].split(";") if a),
                             tuple(s for s in r["source"].split(";") if s))
                for r in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def organization_vocabulary() -> OrganizationVocabulary:
    return OrganizationVocabulary(read_organizations(DATA / "organizations.csv"))


def identify_organization(name: str | None, region: str | None = None) -> OrganizationMatch:
    """A unit's name as written (and the document's region) → its stable id and region level."""
    return organization_vocabulary().identify(name, region)
