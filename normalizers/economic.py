"""部门预算支出经济分类科目 (301 工资福利支出 … 399 其他支出), by year.

Same machinery as the function classification (``normalizers.subjects``),
different data: ``data/economic_subjects.csv`` and ``data/economic_renames.csv``.
Two levels only (类 3 digits, 款 5), and a 款 name standing alone resolves:
narratives list economic items bare (人员经费主要包括：基本工资、津贴补贴…), and
within one year a 款 name names one code (fuzzily too, against all 款: the
泸州 2024 决算 writes 其他交通费 for 30239 其他交通费用).

Year matters: the 2018 reform (财预〔2017〕98号) moved 住房公积金 from 30311 to
30113 and gave 30311 to 代缴社会保险费, so ``住房公积金`` is 30311 in a 2017
document and 30113 from 2018.
"""

from __future__ import annotations

from functools import lru_cache

from disclosures.normalizers.settings import MatchSettings
from disclosures.normalizers.subjects import (
    DATA,
    SubjectCatalogue,
    SubjectMatch,
    read_renames,
    read_subjects,
)


@lru_cache(maxsize=1)
def economic_catalogue() -> SubjectCatalogue:
    """The 部门预算支出经济分类 vocabulary, loaded once."""
    return SubjectCatalogue(read_subjects(DATA / "economic_subjects.csv"),
                            read_renames(DATA / "economic_renames.csv"),
                            bare_levels=("类", "款"), chain_start_levels=("类",),
                            fuzzy_bare=True)


def resolve_economic(raw: str, year: int | None, code: str | None = None,
                     settings: MatchSettings | dict | None = None) -> SubjectMatch:
    """Resolve an economic-classification item as printed to its code and its name in ``year``."""
    return economic_catalogue().resolve(raw, year, code, settings)
