"""`disclosures crawl URL` with no config, through the command (a real flow run), and a portal that is down."""

from __future__ import annotations

import pytest
from disclosures.cli import crawl as crawl_cli
from disclosures.cli.contract import CliApp
from disclosures.db.crawl import CrawlRun, CrawlUrl, FetchLog
from disclosures.db.models import Document
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner


def cli() -> CliApp:
    """The commands as cli/app.py registers them."""
    app = CliApp()
    app.command()(crawl_cli.crawl)
    app.command()(crawl_cli.serve)
    return app


def test_crawl_without_a_config_follows_the_pager_and_collects_attachments(prefect_api, portal, workdir):
    result = CliRunner().invoke(cli(), ["crawl", portal.url("/czyjs/index.html"), "--db", "sqlite:///c.db",
                                        "--delay", "0.05"])
    assert result.exit_code == 0, result.output
    engine = create_engine("sqlite:///c.db")
    with engine.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(Document).where(Document.current_run_id.is_not(None)))
        log = conn.execute(select(FetchLog.url, FetchLog.outcome, FetchLog.error)).all()
        assert stored == 3, (result.output, log)
        urls = set(conn.scalars(select(CrawlUrl.url)))
    # every attachment of both list pages' articles; the default 30 s timeout
    # waits for the slow one (the seed PDF again)
    assert len(urls) == 8
    assert "crawl of 127.0.0.1" in result.output


def test_unknown_portal_is_bad_input(workdir):
    result = CliRunner().invoke(cli(), ["crawl", "no-such-portal"])
    assert result.exit_code == 2
    assert "Error: no-such-portal: not a URL, a TOML file or a portal in" in result.output


def test_unreachable_portal_fails_the_run_with_the_reason(prefect_api, portal, workdir):
    from disclosures.flows.crawl import CrawlError, crawl_portal

    state = crawl_portal(portal.url("/gone/index.html"), "sqlite:///c.db", delay_seconds=0.01, return_state=True)
    assert state.is_failed()
    with pytest.raises(CrawlError, match=r"no page could be read: .*/gone/index.html: http_404"):
        state.result()
    with create_engine("sqlite:///c.db").connect() as conn:
        assert conn.execute(select(CrawlRun.status, CrawlRun.n_failed)).all() == [("failed", 0)]
        assert conn.scalar(select(FetchLog.error).where(FetchLog.kind == "page")).startswith("http_404")


def test_serve_finds_the_shipped_city_portals(monkeypatch, workdir):
    """`disclosures serve` no longer answers "no portal with an enabled schedule"
    (prefect.serve, which would block, is replaced by a recorder)."""
    import prefect

    served = []
    monkeypatch.setattr(prefect, "serve", lambda *deployments: served.extend(deployments))
    result = CliRunner().invoke(cli(), ["serve", "--db", "sqlite:///c.db"])
    assert result.exit_code == 0, result.output
    assert len(served) == 75 and all(d.name.startswith("crawl-") for d in served)
