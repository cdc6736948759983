"""Indicators as numbers and projects' scope: stored, exported, in the views (migration 0006)."""

from __future__ import annotations

from decimal import Decimal as D

import jsonschema
from alembic import command
from disclosures.db.engine import alembic_config, get_engine, migrate
from disclosures.db.export import export_document, load_schema
from disclosures.db.store import set_aside_unstorable
from disclosures.db.views import V_INDICATORS, select_sql
from disclosures.normalizers.targets import indicator_to_quantities
from sqlalchemy import inspect, text


def numbered(samples, actual: str = "3"):
    """The samples' project with its indicators read as numbers; the first one
    (科目调整次数 ≤2次) completed ``actual`` times."""
    extraction = samples.extraction()
    project = extraction.projects[0]
    project.scope = "department"
    project.indicators[0].actual = actual
    for indicator in project.indicators:
        indicator_to_quantities(indicator)
    return extraction


def test_numbers_and_met_round_trip_through_the_export(samples, engine):
    samples.store(engine, numbered(samples))
    exported = export_document(engine, samples.sha)
    jsonschema.validate(exported, load_schema())
    (project,) = exported["projects"]
    assert project["scope"] == "department"
    first, second, third = project["indicators"]
    # the strings as written stay as they were
    assert (first["operator"], first["target"], first["unit"], first["actual"]) == ("<=", "2", "次", "3")
    assert (first["target_comparator"], first["target_value"], first["target_unit"],
            first["actual_comparator"], first["actual_value"], first["actual_unit"], first["met"]) == (
        "<=", 2, "次", None, 3, None, False)
    assert (second["target_value"], second["actual_value"], second["met"]) == (95, 96.5, True)
    assert (third["target_value"], third["target_comparator"], third["met"]) == (None, None, True)


def test_target_value_keeps_the_provenance_of_its_text(samples, engine):
    samples.store(engine, numbered(samples))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT field, text FROM provenance WHERE record_table = 'indicators' "
            "AND field IN ('target', 'target_value', 'actual_value') ORDER BY record_id, field")).all()
    assert ("target", "≤2次") in rows and ("target_value", "≤2次") in rows
    assert ("actual_value", "96.5%") in rows


def test_views_give_numbers_and_met_as_1_or_0(samples, engine):
    samples.store(engine, numbered(samples))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT name, target_comparator, target_value, target_unit, actual_value, met "
            "FROM v_indicators ORDER BY indicator_id")).all()
        scope = conn.execute(text("SELECT project_scope FROM v_projects")).scalar_one()
    assert [(r[0], r[1], D(str(r[2])) if r[2] is not None else None, r[3], r[5]) for r in rows] == [
        ("科目调整次数", "<=", D(2), "次", 0), ("预算编制准确率", ">=", D(95), "%", 1),
        ("服务对象满意度", None, None, None, 1)]
    assert D(str(rows[1][4])) == D("96.5")
    assert scope == "department"


def test_a_target_too_large_for_its_column_stays_text(samples, engine):
    extraction = numbered(samples)
    indicator = extraction.projects[0].indicators[0]
    indicator.target_value = D(123456789)  # nine integer digits: the column holds eight
    findings = set_aside_unstorable(extraction)
    assert [f.rule for f in findings] == ["value.unstorable"]
    assert indicator.target_value is None and indicator.target == "2"
    assert "target_value" not in indicator.field_provenance
    samples.store(engine, extraction)


def test_views_follow_the_migrations_up_and_down(db_url):
    engine = get_engine(db_url)
    migrate(engine)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004_views")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("v_indicators")}
        indicator_columns = {c["name"] for c in inspect(conn).get_columns("indicators")}
    assert "met" not in columns and "target" in columns and "met" not in indicator_columns
    migrate(engine)
    with engine.connect() as conn:
        columns = [c["name"] for c in inspect(conn).get_columns("v_indicators")]
    assert columns == [c.name for c in V_INDICATORS.columns]
    assert " AS met" not in select_sql(V_INDICATORS, version=1)
    assert " AS met" in select_sql(V_INDICATORS)
    engine.dispose()
