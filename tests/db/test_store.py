"""store_extraction: one transaction per document, history of runs, provenance per field."""

from __future__ import annotations

import threading
from decimal import Decimal as D

import pytest
from disclosures.db import models as m
from disclosures.db import store as store_module
from disclosures.db.engine import get_engine, migrate
from disclosures.db.export import export_document
from disclosures.db.store import InvalidExtraction
from disclosures.model.layout import Provenance
from disclosures.model.records import Fact, Finding
from sqlalchemy import func, select

COUNTED = (m.Document, m.ExtractionRun, m.Fact, m.BudgetLine, m.Project, m.ProjectFunding,
           m.Indicator, m.Finding, m.FindingRef, m.Provenance)


def table_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.scalar(select(func.count()).select_from(model))
                for model in COUNTED}


def test_store_writes_every_record_once(samples, engine):
    stored = samples.store(engine)
    assert stored.counts == {"facts": 3, "budget_lines": 3, "projects": 1, "indicators": 3, "findings": 4}
    counts = table_counts(engine)
    assert counts["documents"] == 1 and counts["extraction_runs"] == 1
    assert (counts["facts"], counts["budget_lines"], counts["projects"], counts["project_funding"],
            counts["indicators"], counts["findings"]) == (3, 3, 1, 2, 3, 4)
    # finding refs: 1 (level mismatch) + 4 (execution rate)
    assert counts["finding_refs"] == 5
    with engine.connect() as conn:
        doc = conn.execute(select(m.Document)).one()
        run = conn.execute(select(m.ExtractionRun)).one()
    assert doc.current_run_id == stored.run_id == run.id
    assert (run.status, run.pipeline_version, run.n_indicators, run.n_findings) == ("ok", "1.0.0", 3, 4)
    assert run.finished_at is not None
    assert (doc.organization, doc.fiscal_year, doc.kind) == ("泸州市委政法委", 2024, "final_accounts")


def test_provenance_row_per_stored_field(samples, engine):
    samples.store(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(m.Provenance.record_table, m.Provenance.field, m.Provenance.text,
                                   m.Provenance.page, m.Provenance.x1)).all()
        line_id = conn.scalar(select(m.BudgetLine.id).where(m.BudgetLine.subject_code == "2013101"))
        line_fields = set(conn.scalars(select(m.Provenance.field).where(
            m.Provenance.record_table == "budget_lines", m.Provenance.record_id == line_id)))
    fields = {(t, f) for t, f, *_ in rows}
    assert line_fields == {"amount", "budget_pct", "subject_raw"}
    assert {("facts", "value"), ("documents", "organization"), ("documents", "fiscal_year"),
            ("projects", "name"), ("projects", "execution_rate"), ("project_funding", "executed"),
            ("indicators", "name"), ("indicators", "weight"), ("indicators", "target"),
            ("findings", "evidence")} <= fields
    # the PDF-style cell keeps its page and box
    assert ("budget_lines", "amount", "1834.59", 3, 523.125) in rows
    evidence = [r for r in rows if r.record_table == "findings"]
    assert [r.text for r in evidence] == ["8.一般公共服务（类）", "8", "**万元"]


def test_store_twice_keeps_one_copy_and_two_runs(samples, engine):
    first = samples.store(engine)
    before = table_counts(engine)
    second = samples.store(engine, version="1.0.1")
    after = table_counts(engine)
    assert second.document_id == first.document_id and second.run_id != first.run_id
    assert after == {**before, "extraction_runs": 2}
    with engine.connect() as conn:
        versions = conn.scalars(select(m.ExtractionRun.pipeline_version).order_by(m.ExtractionRun.id)).all()
        current = conn.scalar(select(m.Document.current_run_id))
        run_ids = set(conn.scalars(select(m.BudgetLine.run_id)))
    assert versions == ["1.0.0", "1.0.1"]
    assert current == second.run_id and run_ids == {second.run_id}


def test_reprocess_replaces_rows_and_keeps_history(samples, engine):
    samples.store(engine)
    changed = samples.extraction()
    changed.budget_lines = changed.budget_lines[:1]
    changed.budget_lines[0].amount = D("9392200")
    changed.findings = [f for f in changed.findings if f.rule != "performance.execution_rate"]
    changed.info.region = None
    samples.store(engine, changed, version="2.0.0")
    data = export_document(engine, samples.sha)
    assert [line["amount"] for line in data["budget_lines"]] == [9392200]
    assert [f["rule"] for f in data["findings"]] == ["numbering.gap", "indicator.level_mismatch", "placeholder"]
    assert data["document"]["pipeline_version"] == "2.0.0"
    assert data["document"]["region"] is None
    counts = table_counts(engine)
    assert counts["budget_lines"] == 1 and counts["extraction_runs"] == 2


def test_file_name_and_source_url_survive_a_reprocess_from_the_raw_store(samples, engine):
    samples.store(engine, doc=samples.doc(source_url="http://czj.luzhou.gov.cn/a.docx"))
    samples.store(engine, doc=samples.doc(file_name=f"{samples.sha}.docx", source_url=None))
    document = export_document(engine, samples.sha)["document"]
    assert document["file_name"] == "luzhou-zfw-2024-final-accounts.docx"
    assert document["source_url"] == "http://czj.luzhou.gov.cn/a.docx"


def test_failure_mid_store_rolls_back_everything(samples, engine, monkeypatch):
    samples.store(engine)
    before_counts, before_export = table_counts(engine), export_document(engine, samples.sha)

    def explode(self, findings):
        raise RuntimeError("disk full while writing findings")

    # facts, lines and projects of the new run are already inserted when this fires
    monkeypatch.setattr(store_module.RowWriter, "write_findings", explode)
    changed = samples.extraction()
    changed.facts[0].value = D("1")
    with pytest.raises(RuntimeError, match="disk full"):
        samples.store(engine, changed, version="9.9.9")
    assert table_counts(engine) == before_counts
    assert export_document(engine, samples.sha) == before_export


def test_failure_on_a_new_document_leaves_nothing(samples, engine, monkeypatch):
    monkeypatch.setattr(store_module.RowWriter, "write_findings",
                        lambda self, findings: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        samples.store(engine)
    assert set(table_counts(engine).values()) == {0}


def without_budget_pct_provenance(extraction):
    del extraction.budget_lines[0].field_provenance["budget_pct"]


def fact_without_provenance(extraction):
    extraction.facts[0].provenance = None


def float_amount(extraction):
    extraction.budget_lines[1].amount = 18345900.0


def too_many_decimals(extraction):
    extraction.projects[0].funding[0].executed = D("2615700.005")


def beyond_exact_digits(extraction):
    extraction.budget_lines[2].amount = D("12345678901234.5")


def empty_source_text(extraction):
    extraction.facts[2].provenance = Provenance("paragraph 44", "", "docx")


def finding_about_an_unstored_record(extraction):
    stray = Fact("operating_cost", D("2595400"), "yuan", Provenance("paragraph 9", "259.54万元", "docx"))
    extraction.findings.append(Finding("placeholder", "warning", "stray", records=[stray]))


def fund_outside_the_contract(extraction):
    extraction.budget_lines[0].fund = "special_fund"


def same_record_twice(extraction):
    extraction.budget_lines.append(extraction.budget_lines[0])


REFUSED = {
    without_budget_pct_provenance: "budget_pct",
    fact_without_provenance: "/facts/0: has no provenance",
    float_amount: "float",
    too_many_decimals: "more than 2 decimals",
    beyond_exact_digits: "more than 13 digits",
    empty_source_text: "text is empty",
    finding_about_an_unstored_record: "/findings/4",
    fund_outside_the_contract: "special_fund",
    same_record_twice: "same record object",
}


@pytest.mark.parametrize("spoil", list(REFUSED), ids=lambda f: f.__name__)
def test_refuses_what_cannot_be_exported_and_writes_nothing(samples, engine, spoil):
    extraction = samples.extraction()
    spoil(extraction)
    with pytest.raises(InvalidExtraction, match=REFUSED[spoil]):
        samples.store(engine, extraction)
    assert set(table_counts(engine).values()) == {0}


def test_refusal_keeps_the_previous_run(samples, engine):
    samples.store(engine)
    before = export_document(engine, samples.sha)
    extraction = samples.extraction()
    fund_outside_the_contract(extraction)  # caught only by the schema check inside the transaction
    with pytest.raises(InvalidExtraction):
        samples.store(engine, extraction)
    assert export_document(engine, samples.sha) == before
    assert table_counts(engine)["extraction_runs"] == 1


def test_amounts_are_exact(samples, engine):
    samples.store(engine)
    with engine.connect() as conn:
        amounts = conn.scalars(select(m.BudgetLine.amount).order_by(m.BudgetLine.ordinal)).all()
        weights = conn.scalars(select(m.Indicator.weight).order_by(m.Indicator.ordinal)).all()
    assert amounts == [D("9392100"), D("18345900"), D("1234567890123.45")]
    assert weights == [D("10"), D("7.5"), None]


def test_two_writers_storing_the_same_file_at_once(samples, db_url):
    """Two engines (as two processes would have) store the same sha256 together:
    one document, one copy of every row, two runs."""
    engines = [get_engine(db_url) for _ in range(2)]
    migrate(engines[0])
    barrier, errors = threading.Barrier(2), []

    def run(engine):
        try:
            barrier.wait()
            samples.store(engine)
        except Exception as exc:  # reported below with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    counts = table_counts(engines[0])
    assert counts["documents"] == 1 and counts["extraction_runs"] == 2
    assert counts["budget_lines"] == 3 and counts["indicators"] == 3
    for e in engines:
        e.dispose()
