"""The one registry of finding rules: every rule the package reports is in it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from disclosures.checks.rules import REGISTRY as CHECK_RULES
from disclosures.model.layout import Provenance
from disclosures.model.records import Finding
from disclosures.model.rules import RULES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_an_unregistered_rule_is_refused():
    with pytest.raises(ValueError, match="not registered"):
        Finding("statement.made_up", "error", "x")


def test_a_severity_the_rule_does_not_allow_is_refused():
    with pytest.raises(ValueError, match="registered at error"):
        Finding("statement.sum_children", "info", "x")


def test_every_check_rule_template_is_registered_at_its_severity():
    for rule in CHECK_RULES.values():
        assert rule.id in RULES, rule.id
        assert rule.severity in RULES[rule.id].severities, rule.id


def test_kinds_separate_the_documents_faults_from_the_pipelines():
    prov = Provenance("table 0 / row 1 / col 2", "1.00", "test")
    assert Finding("statement.sum_children", "error", "x", evidence=[prov]).kind == "document"
    assert Finding("statement.unparsed", "warning", "x", evidence=[prov]).kind == "extraction"
    assert {r.kind for r in RULES.values()} == {"document", "extraction"}
    assert all(r.description for r in RULES.values())


def test_rules_reference_is_up_to_date():
    spec = importlib.util.spec_from_file_location("build_docs", DOCS / "build_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == module.rules_markdown()
