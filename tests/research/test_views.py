"""The public views and the worked questions: same rows on SQLite and PostgreSQL,
values checked against the seed 决算 (泸州市委政法委 2024)."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from disclosures.db.engine import alembic_config, get_engine, migrate
from disclosures.db.query import run_readonly
from disclosures.db.questions import QUESTIONS, get_question, question_sql
from disclosures.db.views import VIEW_NAMES, VIEWS, get_view, select_sql
from sqlalchemy import inspect


def normalized(value):
    """SQLite returns an integral NUMERIC as int and a fraction as float, PostgreSQL a
    Decimal with its scale: compare the numbers, not their Python types."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(repr(value)).normalize()
    if isinstance(value, (int, Decimal)):
        return Decimal(value).normalize()
    return value


def rows_of(url: str, sql: str) -> tuple[list[str], list[tuple]]:
    engine = get_engine(url)
    try:
        columns, rows = run_readonly(engine, sql)
    finally:
        engine.dispose()
    return columns, [tuple(normalized(v) for v in row) for row in rows]


def as_dicts(url: str, sql: str) -> list[dict]:
    columns, rows = rows_of(url, sql)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def same_rows(a: list[tuple], b: list[tuple]) -> bool:
    key = lambda row: tuple((v is None, str(v)) for v in row)  # noqa: E731
    return sorted(a, key=key) == sorted(b, key=key)


def test_views_and_questions_give_the_same_rows_as_sqlite(sample, reference):
    for view in VIEWS:
        sql = f"SELECT * FROM {view.name}"
        columns, rows = rows_of(sample.url, sql)
        ref_columns, ref_rows = rows_of(reference.url, sql)
        assert columns == [c.name for c in view.columns] == ref_columns
        assert rows, view.name
        assert same_rows(rows, ref_rows), view.name
    for question in QUESTIONS:
        sql = question_sql(question)
        columns, rows = rows_of(sample.url, sql)
        assert rows, question.name
        assert (columns, rows) == rows_of(reference.url, sql), question.name


def test_values_from_the_seed(sample):
    budget_line_codes_split_into_levels(sample)
    facts_carry_base_key_and_source(sample)
    worked_questions_answer_from_the_seed(sample)


def budget_line_codes_split_into_levels(sample):
    rows = as_dicts(sample.url, f"SELECT * FROM v_budget_lines WHERE document_id = {sample.pdf_id} "
                                "AND subject_code IN ('201', '2013101') ORDER BY subject_code")
    klass, item = rows
    assert (klass["subject_level"], klass["class_code"], klass["class_name"], klass["kuan_code"],
            klass["kuan_name"], klass["xiang_code"]) == ("类", "201", "一般公共服务支出", None, None, None)
    assert klass["amount"] == Decimal("18345900")
    # 行政运行: 939.21万元 on page 3 of the PDF, 完成预算100%
    assert (item["subject_level"], item["class_code"], item["class_name"], item["kuan_code"],
            item["xiang_code"], item["xiang_name"]) == ("项", "201", "一般公共服务支出", "20131",
                                                        "2013101", "行政运行")
    # the document prints no 款 line of its own
    assert item["kuan_name"] is None
    assert (item["amount"], item["budget_pct"], item["page"], item["source_text"]) == \
        (Decimal("9392100"), Decimal("100"), 3, "939.21万元")
    assert item["organization"] == "泸州市委政法委" and item["fiscal_year"] == 2024


def facts_carry_base_key_and_source(sample):
    rows = as_dicts(sample.url, "SELECT key, base_key, value, unit, source_text FROM v_facts "
                                f"WHERE document_id = {sample.docx_id} AND base_key = 'three_public.total' "
                                "ORDER BY key")
    assert [(r["key"], r["value"], r["unit"]) for r in rows] == [
        ("three_public.total", Decimal("263900"), "yuan"),
        ("three_public.total.budget_pct", Decimal("73"), "pct"),
        ("three_public.total.change", Decimal("-19100"), "yuan"),
        ("three_public.total.change_pct", Decimal("-7"), "pct"),
    ]
    assert rows[0]["source_text"] == "26.39万元"


def worked_questions_answer_from_the_seed(sample):
    staff = as_dicts(sample.url, question_sql(get_question("admin_operation_per_staff")))
    # 939.21万元 行政运行 / 50 编制 = 187,842 yuan each, in both formats of the document
    assert [(r["admin_operation_yuan"], r["authorized_staff"], r["yuan_per_staff"]) for r in staff] == \
        [(Decimal("9392100"), Decimal("50"), Decimal("187842"))] * 2
    three = as_dicts(sample.url, question_sql(get_question("three_public_by_department")))
    assert [(r["three_public_yuan"], r["change_stated_yuan"], r["change_pct_stated"],
             r["change_vs_prior_document"]) for r in three] == \
        [(Decimal("263900"), Decimal("-19100"), Decimal("-7"), None)] * 2
    housing = as_dicts(sample.url, question_sql(get_question("subject_across_departments")))
    assert {(r["subject_code"], r["amount"]) for r in housing} == {("2210201", Decimal("1015600"))}
    other = as_dicts(sample.url, question_sql(get_question("subject_across_departments"),
                                              {"subject_name": "购房补贴"}))
    assert {(r["subject_code"], r["amount"]) for r in other} == {("2210203", Decimal("301700"))}
    below = as_dicts(sample.url, question_sql(get_question("projects_below_target")))
    # 综合定额基本运转支出: 261.57 of 304.50万元 = 85.90%
    assert {"name": "综合定额基本运转支出", "computed": Decimal("85.9")} in [
        {"name": r["name"], "computed": r["execution_rate_computed"]} for r in below]
    assert all(r["execution_rate_computed"] < 95 for r in below)


def test_views_hold_only_the_current_run(seed_files, tmp_path):
    from disclosures.flows.pipeline import process_file

    url = f"sqlite:///{tmp_path / 'again.db'}"
    for path in seed_files:
        process_file(path, url, raw_root=tmp_path / "raw")
    before = rows_of(url, "SELECT COUNT(*) FROM v_budget_lines")[1]
    process_file(seed_files[1], url, raw_root=tmp_path / "raw")  # a reprocess: a new run
    after = rows_of(url, "SELECT COUNT(*) FROM v_budget_lines")[1]
    assert before == after == [(Decimal(36),)]
    runs = rows_of(url, "SELECT DISTINCT b.run_id FROM budget_lines b JOIN v_budget_lines v "
                               "ON v.budget_line_id = b.id")[1]
    current = rows_of(url, "SELECT current_run_id FROM documents")[1]
    assert sorted(runs) == sorted(current)


def test_views_come_and_go_with_their_migration(db_url):
    engine = get_engine(db_url)
    migrate(engine)
    with engine.connect() as conn:
        assert set(VIEW_NAMES) <= set(inspect(conn).get_view_names())
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003_review")
    with engine.connect() as conn:
        assert not set(VIEW_NAMES) & set(inspect(conn).get_view_names())
    migrate(engine)
    with engine.connect() as conn:
        assert set(VIEW_NAMES) <= set(inspect(conn).get_view_names())
    engine.dispose()


def test_view_sql_uses_no_dialect_functions():
    """The portable subset: no PostgreSQL casts (::) and no function only one of the
    two databases has."""
    banned = ("::", "IFNULL", "INSTR", "STRPOS", "DATE_TRUNC", "STRFTIME", "JSON_", "GROUP_CONCAT",
              "STRING_AGG", "ILIKE", "PRINTF", "TO_CHAR")
    for view in VIEWS:
        sql = select_sql(view).upper()
        assert not [b for b in banned if b in sql], view.name


def test_get_view_accepts_short_names():
    assert get_view("facts").name == "v_facts"
    assert get_view("v_findings").name == "v_findings"
