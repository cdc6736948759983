"""A stated change against the prior year's document stored in the database."""

from __future__ import annotations

from decimal import Decimal

import realdocs
from disclosures.checks.years import (
    change_fits,
    check_against_prior_year,
    normalize_org,
    prior_document,
)
from disclosures.model.layout import Provenance

WANLI_2024 = "上海市普陀区人民政府万里街道办事处24年预算.pdf"
WANLI_2025 = "上海市普陀区人民政府万里街道办事处25年预算.pdf"


def amount(value: int, text: str) -> tuple[Decimal, Provenance]:
    return Decimal(value), Provenance("paragraph 1", text, "t")


def test_organization_names_normalized():
    assert normalize_org("中国共产党江苏省委员会办公厅") == normalize_org("中共江苏省委员会办公厅")
    assert normalize_org("上海市普陀区财政局（本级）") == normalize_org("上海市普陀区财政局")


def test_change_fits_within_rounding():
    now, before = amount(189767600, "18976.76万元"), amount(156211100, "15621.11万元")
    assert change_fits(amount(33556500, "增加3355.65万元"), now, before)
    assert not change_fits(amount(33656500, "增加3365.65万元"), now, before)


@realdocs.needs(WANLI_2024, WANLI_2025)
def test_wanli_2025_budget_change_matches_2024_budget(tmp_path):
    from disclosures.db.engine import get_engine
    from disclosures.db.export import export_document
    from disclosures.flows.pipeline import process_file

    url = f"sqlite:///{tmp_path / 'd.db'}"
    first = process_file(realdocs.path(WANLI_2024), url, raw_root=tmp_path / "raw")
    second = process_file(realdocs.path(WANLI_2025), url, raw_root=tmp_path / "raw")
    engine = get_engine(url)
    assert prior_document(engine, export_document(engine, second.sha256)["document"]) == first.sha256
    # 2025 一般公共预算拨款支出 18976.76 − 2024 15621.11 = 3355.65 = the stated 增加
    assert check_against_prior_year(engine, second.sha256) == []
    assert check_against_prior_year(engine, first.sha256) == []  # no 2023 document stored
