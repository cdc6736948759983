"""The ``process_document`` Prefect flow: read (and classify) → recognize → (decisions) normalize → check → store.

The flow only orchestrates: each task calls the plain function in
``flows.pipeline`` that the CLI calls too.

Running without a server. A real flow run needs a Prefect API; with none
configured Prefect starts a temporary local server, which costs ~15 s per
process, and importing Prefect alone takes seconds. ``disclosures extract``
therefore runs ``flows.pipeline.process_file`` — the same stages, without
Prefect — unless ``--prefect`` is given or ``PREFECT_API_URL`` points at a
running server, in which case it is a tracked flow run with task runs
(``flows.pipeline.process_path``). ``process_document.fn(...)`` runs the flow
body with each task's plain function (``call_task``). The nightly deployment
and the tests use real flow runs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from disclosures.flows import pipeline
from disclosures.flows.isolation import DocumentLimits, IsolationSettings
from disclosures.flows.isolation import run_stage as run_isolated
from prefect import flow, task
from prefect.context import FlowRunContext


# Each stage before ``store`` runs in a child process under the document's
# time and memory limits (``flows.isolation``); the stages return their
# results, which the flow uses (a child's in-place changes never reach it).
@task(name="read")
def read_task(path: str, source_url: str | None, limits: DocumentLimits | None = None):
    """The document and its classification; a file that is no disclosure stops here
    (``NotADisclosure``)."""
    return run_isolated(limits, "read", Path(path).name, pipeline.read_classified, Path(path).resolve(),
                        source_url)


@task(name="recognize")
def recognize_task(doc, classification, limits: DocumentLimits | None = None):
    return run_isolated(limits, "recognize", doc.file_name, pipeline.recognize, doc, classification)


@task(name="decisions")
def decisions_task(db_url: str | None):
    return pipeline.load_decisions(db_url)


@task(name="normalize")
def normalize_task(extraction, item: str, decisions=None, limits: DocumentLimits | None = None):
    return run_isolated(limits, "normalize", item, pipeline.normalize, extraction, item, decisions)


@task(name="check")
def check_task(extraction, item: str, doc=None, limits: DocumentLimits | None = None):
    return run_isolated(limits, "check", item, pipeline.check, extraction, item, doc)


@task(name="store")
def store_task(doc, extraction, db_url: str | None, started_at: datetime, path: str,
               raw_root: str | None):
    return pipeline.store(doc, extraction, db_url, started_at, Path(path), raw_root)


def call_task(stage, *args):
    """Call a task as a task inside a flow run, as its plain function outside one."""
    if FlowRunContext.get() is not None:
        return stage(*args)
    return stage.fn(*args)


@flow(name="process_document")
def process_document(path: str, db_url: str | None = None, source_url: str | None = None,
                     raw_root: str | None = None, isolation: IsolationSettings | None = None) -> dict:
    """Process one file into the database; returns the outcome as a dict.
    ``isolation`` None takes the limits from the environment."""
    started, t0 = datetime.now(UTC), time.perf_counter()
    limits = DocumentLimits.start(isolation)
    doc, classification = call_task(read_task, path, source_url, limits)
    extraction = call_task(recognize_task, doc, classification, limits)
    # a person's review decisions (``disclosures map``) override the matchers
    decisions = call_task(decisions_task, db_url)
    extraction = call_task(normalize_task, extraction, doc.file_name, decisions, limits)
    extraction = call_task(check_task, extraction, doc.file_name, doc, limits)
    stored = call_task(store_task, doc, extraction, db_url, started, path, raw_root)
    return vars(pipeline.outcome(doc, extraction, stored, time.perf_counter() - t0))
