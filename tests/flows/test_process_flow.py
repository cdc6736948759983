"""process_document as a real Prefect flow run (local, temporary API, nothing leaves the machine)."""

from __future__ import annotations

import sqlite3

import pytest


def test_process_document_is_a_real_flow_run(prefect_api, workdir, seed_docx):
    from disclosures.flows.process import process_document
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    db_url = f"sqlite:///{workdir / 'flow.db'}"
    state = process_document(str(seed_docx), db_url, return_state=True)
    assert state.is_completed()
    result = state.result()
    assert result["counts"]["budget_lines"] >= 18

    async def task_names():
        async with get_client() as client:
            flow_run_id = state.state_details.flow_run_id
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            return sorted(r.name.split("-")[0] for r in runs)

    import asyncio
    import time

    expected = ["check", "decisions", "normalize", "read", "recognize", "store"]
    # Prefect 3 records task runs through its event pipeline, a moment after
    # the flow run returns: poll briefly instead of reading once.
    deadline = time.monotonic() + 30
    while (names := asyncio.run(task_names())) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    assert names == expected
    with sqlite3.connect(workdir / "flow.db") as conn:
        assert conn.execute("select amount from budget_lines where subject_code='2013101'").fetchone()[0] == 9392100


def test_bad_input_fails_the_flow_run_and_writes_nothing(prefect_api, workdir):
    from disclosures.flows.process import process_document
    from disclosures.model.errors import BadInput

    bad = workdir / "page-not-found.pdf"
    bad.write_text("<html><body>页面不存在</body></html>", encoding="utf-8")
    db_url = f"sqlite:///{workdir / 'flow.db'}"
    state = process_document(str(bad), db_url, return_state=True)
    assert state.is_failed()
    with pytest.raises(BadInput):
        state.result()
    assert not (workdir / "flow.db").exists()
