"""The seed report end to end: file → database → disclosures/1 export.

Expected values are read by hand from the seed
(shared/seeds/luzhou-zfw-2024-final-accounts.txt); the section is named in
each comment.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from disclosures.db.engine import get_engine
from disclosures.db.export import export_document
from disclosures.flows.pipeline import process_file
from disclosures.model.numbers import fold

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "db" / "export.schema.json")
                    .read_text(encoding="utf-8"))


def extract_export(path, url):
    outcome = process_file(path, url)
    return export_document(get_engine(url), outcome.sha256)


def _export_for(tmp_path, seed_docx):
    return extract_export(seed_docx, f"sqlite:///{tmp_path / 'seed.db'}")


@pytest.fixture
def seed_export(workdir, seed_docx):
    return _export_for(workdir, seed_docx)


def lines_by_code(data, **where):
    found = {}
    for line in data["budget_lines"]:
        if all(line[k] == v for k, v in where.items()):
            found.setdefault(line["subject_code"], []).append(line)
    return found


def fact(data, key):
    values = [f for f in data["facts"] if f["key"] == key]
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def test_export_validates(seed_export):
    jsonschema.validate(seed_export, SCHEMA)


# 五（三） 一般公共预算财政拨款支出决算具体情况: 14 numbered 项 lines (7 is missing)
ITEM_LINES = {
    "2013101": 9392100, "2013102": 5228800, "2013150": 2655600, "2013199": 1040000,
    "2013299": 29300, "2080501": 242500, "2080505": 1132200, "2080506": 810600,
    "2101101": 471100, "2101102": 100000, "2101103": 67200, "2101199": 62200,
    "2210201": 1015600, "2210203": 301700,
}
# 五（2） 结构情况: the 类 sentence
CLASS_LINES = {"201": 18345900, "208": 2185400, "210": 700500, "221": 1317300}


def test_item_and_class_lines(seed_export):
    lines = lines_by_code(seed_export, fund="general_budget", measure="actual", component="total")
    for code, amount in {**ITEM_LINES, **CLASS_LINES}.items():
        assert [ln["amount"] for ln in lines[code]] == [amount], code
    for code in ITEM_LINES:
        (line,) = lines[code]
        assert line["budget_pct"] == 100
        assert line["match"]["method"] in ("exact", "alias", "fuzzy")
    # old and new names of the same subjects resolve to the same codes
    raw_210 = {ln["subject_raw"] for c in ("2101101", "2101102") for ln in lines[c]}
    assert any("卫生健康支出" in r for r in raw_210) and any("医疗卫生与计划生育支出" in r for r in raw_210)
    assert lines["210"][0]["subject_name"] == "卫生健康支出"


def test_headline_facts(seed_export):
    expected = {
        "three_public.total": 263900, "three_public.total.budget_pct": 73,
        "three_public.total.change": -19100, "three_public.total.change_pct": -7,
        "procurement.services": 111100, "income_expenditure_total": 22549100,
        "income_expenditure_total.change": -3956900, "expenditure.basic": 16263500,
        "expenditure.basic.share_pct": 72, "basic.personnel": 13668100, "basic.public": 2595400,
        "operating_cost": 2595400, "operating_cost.change": -232800,
        "three_public.reception_batches": 23, "three_public.reception_persons": 360,
        "three_public.vehicles_owned": 3,
    }
    for key, value in expected.items():
        assert fact(seed_export, key)["value"] == value, key
    assert fact(seed_export, "three_public.total")["unit"] == "yuan"
    assert fact(seed_export, "three_public.total.change_pct")["unit"] == "pct"
    # placeholders give no value: 授予小微企业合同金额**万元, 增长0.01*%
    keys = {f["key"] for f in seed_export["facts"]}
    assert "procurement.micro" not in keys
    assert "three_public.vehicle.change_pct" not in keys


def project(data, name):
    (found,) = [p for p in data["projects"] if p["name"] == name]
    return found


def test_projects_and_indicators(seed_export):
    projects = [p for p in seed_export["projects"] if p.get("source", "self_evaluation") == "self_evaluation"]
    assert len(projects) == 13
    base = project(seed_export, "综合定额基本运转支出")
    assert (base["budget_initial"], base["budget_adjusted"], base["executed"], base["execution_rate"]) == \
        (3060000, 3045000, 2615700, 85.9)
    assert len(project(seed_export, "平安建设经费")["indicators"]) == 21
    assert len(project(seed_export, "法学会")["indicators"]) == 12
    assert sum(len(p["indicators"]) for p in projects) == 81
    for p in projects:
        for ind in p["indicators"]:
            assert ind["level1_raw"] and ind["level2_raw"], (p["name"], ind["name"])
    first = project(seed_export, "单项定额基本运转支出")
    assert first["code"] == "51050021Y000000024280"
    levels = [(i["level1"], i["level2"], i["name"][:6]) for i in first["indicators"]]
    assert levels[:2] == [("产出指标", "数量指标", "科目调整次数"), ("产出指标", "质量指标", "预算编制准确")]


def test_findings(seed_export):
    rules = [f["rule"] for f in seed_export["findings"]]
    messages = " ".join(f["message"] for f in seed_export["findings"])
    assert "numbering.gap" in rules
    assert rules.count("placeholder") >= 2
    mismatched = [f for f in seed_export["findings"] if f["rule"] == "indicator.level_mismatch"]
    training = project(seed_export, "培训费")
    training_index = seed_export["projects"].index(training)
    assert len([f for f in mismatched
                if any(r.startswith(f"/projects/{training_index}/") for r in f["refs"])]) == 3
    assert "培训费" in messages


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def written_values(text: str) -> set[Decimal]:
    """Every amount ``text`` could be stating: as written, or in 万元/亿元 (tables state the unit once)."""
    values = set()
    for token in NUMBER.findall(fold(text)):
        n = Decimal(token.replace(",", ""))
        values |= {n, n * 10_000, n * 100_000_000}
    return values


def assert_written(value, text: str, where: str):
    if value == 0 and ("持平" in text or "无" in text):
        return
    assert abs(Decimal(str(value))) in written_values(text), f"{where}: {value!r} not in {text!r}"


def test_every_value_says_where_it_came_from(seed_export):
    for i, f in enumerate(seed_export["facts"]):
        assert_written(f["value"], f["provenance"]["text"], f"/facts/{i}")
    for i, line in enumerate(seed_export["budget_lines"]):
        assert_written(line["amount"], line["provenance"]["text"], f"/budget_lines/{i}")
    for i, p in enumerate(seed_export["projects"]):
        assert p["name"] in p["provenance"]["text"], f"/projects/{i}"
        for j, ind in enumerate(p["indicators"]):
            assert ind["name"].strip() in ind["provenance"]["text"], f"/projects/{i}/indicators/{j}"


def test_postgresql_gives_the_identical_export(tmp_path, seed_docx, pg_url):
    on_sqlite = _export_for(tmp_path, seed_docx)
    on_postgres = extract_export(seed_docx, pg_url)
    assert on_postgres == on_sqlite
