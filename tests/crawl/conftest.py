from __future__ import annotations

from pathlib import Path

import pytest
from disclosures.fixtures.portal import server as mock

REPO = Path(__file__).resolve().parents[2]

# Small enough to keep each crawl to a few seconds; the slow attachment
# answers after SLOW seconds, well past TIMEOUT.
DELAY = 0.05
TIMEOUT = 0.5
SLOW = 1.5


@pytest.fixture
def portal():
    with mock.MockPortal(slow_seconds=SLOW) as server:
        yield server


def write_config(portal, directory: Path, delay: float = DELAY, name: str = "mock") -> Path:
    """The mock column's config (flows/portals/mock-czyjs.toml) on the mock's ephemeral port."""
    text = (REPO / "flows" / "portals" / "mock-czyjs.toml").read_text(encoding="utf-8")
    text = text.replace("http://127.0.0.1:8765", portal.base_url)
    text = text.replace("delay_seconds = 0.2", f"delay_seconds = {delay}")
    text = text.replace("timeout_seconds = 2", f"timeout_seconds = {TIMEOUT}")
    text = text.replace("backoff_seconds = 0.2", "backoff_seconds = 0.05")
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def make_config(portal, tmp_path):
    """``make_config(delay=…)``: a TOML config for the running mock portal."""
    return lambda delay=DELAY: write_config(portal, tmp_path, delay)


@pytest.fixture
def portal_config(make_config) -> Path:
    return make_config()




@pytest.fixture
def make_portal():
    """``make_portal(robots=…)``: another mock portal (started, stopped after the test)."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        yield lambda **options: stack.enter_context(mock.MockPortal(slow_seconds=SLOW, **options))


@pytest.fixture
def crawl_url(prefect_api, workdir):
    """``crawl_url(url)``: one real ``crawl_portal`` flow run of a start URL
    (no config: the defaults) into a SQLite file; its final state."""
    from disclosures.flows.crawl import crawl_portal

    def run(url: str, db: str = "sqlite:///crawl.db"):
        return crawl_portal(url, db, str(workdir / "raw"), delay_seconds=DELAY, timeout_seconds=TIMEOUT,
                            retries=1, return_state=True)

    return run
