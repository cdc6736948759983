"""`disclosures crawl URL` with no config, through the command (a real flow run)."""

from __future__ import annotations

import typer
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from db.crawl import CrawlUrl
from db.models import Document
from flows import crawl_cli


def cli() -> typer.Typer:
    """The commands as flows/cli.py registers them."""
    app = typer.Typer()
    app.command()(crawl_cli.crawl)
    app.command()(crawl_cli.serve)
    return app


def test_crawl_without_a_config_follows_the_pager_and_collects_attachments(prefect_api, portal, workdir):
    result = CliRunner().invoke(cli(), ["crawl", portal.url("/czyjs/index.html"), "--db", "sqlite:///c.db",
                                        "--delay", "0.05"])
    assert result.exit_code == 0, result.output
    engine = create_engine("sqlite:///c.db")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Document).where(Document.current_run_id.is_not(None))) == 3
        urls = set(conn.scalars(select(CrawlUrl.url)))
    # every attachment of both list pages' articles; the default 30 s timeout
    # waits for the slow one (the seed PDF again)
    assert len(urls) == 8
    assert "crawl of 127.0.0.1" in result.output


def test_unknown_portal_is_bad_input(workdir):
    result = CliRunner().invoke(cli(), ["crawl", "no-such-portal"])
    assert result.exit_code == 2
    assert "Error: no-such-portal: not a URL, a TOML file or a portal in" in result.output
