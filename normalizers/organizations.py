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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from disclosures.model.errors import BadInput
from disclosures.model.names import PARTY_RE, clean_name, organization_key, split_region

DATA = Path(__file__).resolve().parent / "data"

class OrganizationError(BadInput):
    """An organizations.csv row the loader cannot use."""


def region_level(name: str | None, region: str | None = None) -> str | None:
    """省 | 市 | 区县 from the name's region prefix, else from the stated region."""
    for text in (name, region):
        if text:
            parts, _ = split_region(PARTY_RE.sub("", clean_name(text)))
            if parts.level:
                return parts.level
    return None


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
        if not name or not clean_name(name):
            return OrganizationMatch(None, None, region_level(None, region))
        key = organization_key(name, region)
        known = self.by_key.get(key)
        if known is not None:
            return OrganizationMatch(known.id, known.name, known.region_level, "alias")
        return OrganizationMatch(key, None, region_level(key, region), "rule")


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
