"""Checks (勾稽): reconcile a document's records and report what does not add up.

Rules live in ``checks/rules.py`` (the registry: id, severity, message template);
the checks are grouped by what they read: ``performance`` (绩效自评表), ``tables``
(figures made of parts, 总表 balance, missing tables), ``narrative`` (the text
against its own figures and the tables), ``text`` (placeholders, years,
punctuation), ``years`` (against the prior year's document in the database).
``run_checks`` applies all of them to one Extraction; ``evidence`` draws them.
"""

from disclosures.checks.run import run_checks

__all__ = ["run_checks"]
