"""A person's decision about a name changes the stored code on the next process
and shows in the export's match; decisions travel as a CSV."""

from __future__ import annotations

import csv

import pytest
from disclosures.db import models as m
from disclosures.db.engine import get_engine
from disclosures.db.export import export_document
from disclosures.flows.pipeline import process_file
from disclosures.flows.review import map_name, review
from disclosures.normalizers.review import ReviewError
from docx import Document
from sqlalchemy import select

# a 款 name no vocabulary knows: the real one is 党委办公厅（室）及相关机构事务
RAW = "一般公共服务（类）政法委机关事务（款）行政运行（项）"


@pytest.fixture
def narrative_docx(tmp_path):
    path = tmp_path / "narrative.docx"
    d = Document()
    d.add_paragraph("泸州市委政法委2024年度部门决算")
    d.add_paragraph("（三）一般公共预算财政拨款支出决算具体情况")
    d.add_paragraph(f"1.{RAW}:支出决算为939.21万元，完成预算100%。")
    d.save(path)
    return path


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURES_RAW", str(tmp_path / "raw"))
    return f"sqlite:///{tmp_path / 'review.db'}"


def stored_lines(db):
    with get_engine(db).connect() as conn:
        return conn.execute(select(m.BudgetLine.subject_code, m.BudgetLine.match_method,
                                   m.BudgetLine.match_score)
                            .join(m.Document, m.Document.current_run_id == m.BudgetLine.run_id)).all()


def test_a_decision_changes_the_code_on_reprocess_and_shows_in_the_export(narrative_docx, db):
    first = process_file(narrative_docx, db)
    assert stored_lines(db) == [(None, "none", 0.0)]
    assert [(i.kind, i.raw) for i in review(db).items] == [("subject", RAW)]

    map_name("subject", RAW.replace("（", "(").replace("）", ")"), "2013101", db, by="analyst",
             note="政法委's name for its 款")
    assert review(db).items == []  # decided names leave the list
    process_file(narrative_docx, db)

    assert stored_lines(db) == [("2013101", "review", 100.0)]
    line = export_document(get_engine(db), first.sha256)["budget_lines"][0]
    assert line["subject_code"] == "2013101" and line["subject_name"] == "行政运行"
    assert line["match"]["method"] == "alias" and line["match"]["score"] == 100.0
    assert line["match"]["decided_by"] == "analyst"
    doc = export_document(get_engine(db), first.sha256)["document"]
    assert doc["organization"] == "泸州市委政法委"
    with get_engine(db).connect() as conn:
        assert conn.execute(select(m.Document.org_id, m.Document.region_level)).one() == \
            ("中共泸州市委政法委", "市")


def test_targets_outside_the_vocabulary_are_refused(db):
    with pytest.raises(ReviewError, match="9999999"):
        map_name("subject", RAW, "9999999", db)
    with pytest.raises(ReviewError, match="not a canonical 二级"):
        map_name("level2", "产出数量", "产出指标", db)
    with pytest.raises(ReviewError, match="unknown kind"):
        map_name("fund", "一般公共预算", "general_budget", db)


def test_decisions_round_trip_through_csv(narrative_docx, db, tmp_path):
    process_file(narrative_docx, db)
    shared = tmp_path / "decisions.csv"
    review(db, export=shared)
    with open(shared, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["kind"], r["raw"], r["target"], r["occurrences"]) for r in rows] == \
        [("subject", RAW, "", "1")]
    rows[0]["target"], rows[0]["decided_by"] = "2013101", "colleague"
    with open(shared, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    other = f"sqlite:///{tmp_path / 'other.db'}"
    process_file(narrative_docx, other)
    review(other, import_=shared)
    process_file(narrative_docx, other)
    assert stored_lines(other) == [("2013101", "review", 100.0)]
    exported = tmp_path / "again.csv"
    review(other, export=exported)
    with open(exported, encoding="utf-8") as fh:
        again = list(csv.DictReader(fh))
    assert [(r["kind"], r["target"], r["decided_by"]) for r in again] == \
        [("subject", "2013101", "colleague")]


def test_the_export_finds_decisions_by_the_normalizers_key():
    """``db.export`` looks decisions on subjects and indicators up by
    ``model.names.name_key`` (the database imports no normalizer): it must be
    the key the normalizers decide those kinds by."""
    from disclosures.model.names import name_key
    from disclosures.normalizers.review import KEY_OF

    assert KEY_OF["subject"] is KEY_OF["indicator"] is name_key
