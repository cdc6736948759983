"""export_document: the disclosures/1 contract rebuilt from the stored rows."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from disclosures.db.engine import get_engine, migrate
from disclosures.db.export import SCHEMA_PATH, NotFound, export_document, load_schema

SHARED_SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "spec" / "export.schema.json"


@pytest.fixture
def exported(samples, engine) -> dict:
    samples.store(engine)
    return export_document(engine, samples.sha)


def test_package_schema_is_the_shared_contract():
    if not SHARED_SCHEMA.exists():
        pytest.skip(f"{SHARED_SCHEMA} not present")
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == \
        json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))


def test_round_trip_validates_against_the_schema(exported):
    jsonschema.validate(exported, load_schema())
    assert exported["schema"] == "disclosures/1"
    assert exported["document"] == {
        "sha256": exported["document"]["sha256"], "file_name": "luzhou-zfw-2024-final-accounts.docx",
        "format": "docx", "source_url": None, "organization": "泸州市委政法委", "region": "泸州市",
        "fiscal_year": 2024, "kind": "final_accounts", "pages": None, "pipeline_version": "1.0.0",
        # beyond the contract's required fields: the scope and the finer classification
        "scope": "部门", "classification": "final_accounts",
    }


def test_numbers_are_exact_json_numbers(exported):
    facts = {f["key"]: f["value"] for f in exported["facts"]}
    assert facts == {"three_public.total": 263900, "three_public.total.change_pct": -7,
                     "three_public.reception_batches": 23}
    assert all(type(v) is int for v in facts.values())
    amounts = [line["amount"] for line in exported["budget_lines"]]
    assert amounts == [9392100, 18345900, 1234567890123.45]
    assert [line["budget_pct"] for line in exported["budget_lines"]] == [100, None, None]
    (project,) = exported["projects"]
    assert (project["budget_initial"], project["budget_adjusted"], project["executed"],
            project["execution_rate"], project["execution_score"], project["total_score"]) == \
        (3060000, 3045000, 2615700, 85.9, 8.59, 93.34)
    assert [(i["weight"], i["score"]) for i in project["indicators"]] == [(10, 10), (7.5, 7.25), (None, None)]


def test_records_keep_their_order_and_fields(exported):
    lines = exported["budget_lines"]
    assert [line["subject_code"] for line in lines] == ["2013101", "201", None]
    assert lines[0]["subject_raw"].endswith("行政运行（项）")
    assert [line["match"] for line in lines] == [
        {"method": "exact", "score": 100.0}, {"method": "alias", "score": 96.4},
        {"method": "none", "score": 0.0}]
    (project,) = exported["projects"]
    assert project["code"] == "51050021Y000000024280"
    assert project["source"] == "self_evaluation"
    assert [i["name"] for i in project["indicators"]] == ["科目调整次数", "预算编制准确率", "服务对象满意度"]
    first = project["indicators"][0]
    assert (first["level1"], first["level2"], first["operator"], first["target"], first["unit"],
            first["actual"]) == ("产出指标", "数量指标", "<=", "2", "次", "1")
    # a match the normalizer left for review is a fuzzy match in the contract
    assert project["indicators"][1]["match"] == {"method": "fuzzy", "score": 61.0}
    assert project["indicators"][1]["shortfall_reason"] == "个别科目调整"


def test_provenance_is_the_main_fields(exported):
    line = exported["budget_lines"][1]
    assert line["provenance"] == {"page": 3, "bbox": [72.0, 539.7, 523.12, 558.4],
                                  "locator": "table 4 / row 7 / col 3", "text": "1834.59",
                                  "extractor": "pdf-text", "confidence": 0.98}
    assert exported["budget_lines"][0]["provenance"]["text"] == "939.21万元"
    assert exported["facts"][1]["provenance"]["locator"] == "paragraph 40 chars 30-34"
    (project,) = exported["projects"]
    assert project["provenance"]["text"] == "51050021Y000000024280单项定额基本运转支出"
    assert [i["provenance"]["text"] for i in project["indicators"]] == \
        ["科目调整次数", "预算编制准确率", "服务对象满意度"]


def test_projects_carry_their_funding_rows(exported):
    (project,) = exported["projects"]
    total, fiscal = project["funding"]
    assert (total["source"], total["budget_initial"], total["executed"], total["execution_rate"]) == \
        ("总额", 3060000, 2615700, 85.9)
    assert total["field_provenance"]["executed"]["text"] == "261.57"
    assert (fiscal["source"], fiscal["budget_adjusted"]) == ("其中：财政资金", None)
    assert set(fiscal["field_provenance"]) == {"budget_initial"}


def test_finding_refs_point_at_the_records(exported):
    findings = {f["rule"]: f for f in exported["findings"]}
    assert [f["rule"] for f in exported["findings"]] == [
        "numbering.gap", "indicator.level_mismatch", "performance.execution_rate", "placeholder"]
    assert findings["indicator.level_mismatch"]["refs"] == ["/projects/0/indicators/2"]
    assert findings["performance.execution_rate"]["refs"] == [
        "/projects/0", "/projects/0/funding/0", "/budget_lines/0", "/facts/1"]
    assert findings["numbering.gap"]["refs"] == [] and findings["numbering.gap"]["pages"] == [4]
    for finding in exported["findings"]:
        for ref in finding["refs"]:
            assert resolve_pointer(exported, ref) is not None, ref
    mismatch = resolve_pointer(exported, "/projects/0/indicators/2")
    assert mismatch["name"] == "服务对象满意度"


def resolve_pointer(data, pointer: str):
    node = data
    for part in pointer.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_refs_follow_a_reordered_extraction(samples, engine):
    extraction = samples.extraction()
    extraction.budget_lines.reverse()
    extraction.facts.reverse()
    samples.store(engine, extraction)
    data = export_document(engine, samples.sha)
    refs = next(f["refs"] for f in data["findings"] if f["rule"] == "performance.execution_rate")
    assert refs == ["/projects/0", "/projects/0/funding/0", "/budget_lines/2", "/facts/1"]
    assert resolve_pointer(data, "/budget_lines/2")["subject_code"] == "2013101"


def test_document_found_by_id_sha_and_prefix(samples, engine):
    stored = samples.store(engine)
    by_sha = export_document(engine, samples.sha)
    assert export_document(engine, str(stored.document_id)) == by_sha
    assert export_document(engine, samples.sha[:8]) == by_sha
    assert export_document(engine, samples.sha[:20].upper()) == by_sha


@pytest.mark.parametrize("ref, reason", [
    ("0" * 64, "no stored document"),
    ("5e01234", "at least 8 hex digits"),
    ("999", "no stored document"),
    ("not-a-ref", "no stored document"),
])
def test_unknown_reference_is_not_found(samples, engine, ref, reason):
    samples.store(engine)
    with pytest.raises(NotFound, match=reason):
        export_document(engine, ref)


def test_ambiguous_prefix_is_not_found(samples, engine):
    samples.store(engine)
    samples.store(engine, doc=samples.doc(sha=samples.sha[:10] + "f" * 54))
    with pytest.raises(NotFound, match="ambiguous"):
        export_document(engine, samples.sha[:8])
    assert export_document(engine, samples.sha[:11])["document"]["sha256"] == samples.sha


def test_empty_database_is_not_found(tmp_path):
    with pytest.raises(NotFound, match="holds no documents"):
        export_document(get_engine(f"sqlite:///{tmp_path / 'empty.db'}"), "1")


def test_sqlite_and_postgresql_export_the_same(samples, tmp_path, pg_db_url):
    exports = []
    for url in (f"sqlite:///{tmp_path / 'a.db'}", pg_db_url):
        engine = get_engine(url)
        migrate(engine)
        samples.store(engine)
        samples.store(engine)  # a reprocess in between must not change the export either
        exports.append(export_document(engine, samples.sha))
        engine.dispose()
    assert exports[0] == exports[1]
    # equal as JSON text too: no 85.9 vs 85.90, 10 vs 10.0 differences
    assert json.dumps(exports[0], ensure_ascii=False) == json.dumps(exports[1], ensure_ascii=False)
