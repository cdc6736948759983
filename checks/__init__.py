"""Checks (勾稽): reconcile a document's records and report what does not add up.

Rules live in ``checks/rules.py``, each with an id, a severity and a message
template; ``run_checks`` applies all of them to one Extraction.
"""

from checks.rules import run_checks

__all__ = ["run_checks"]
