"""What the crawler remembers: one row per crawl run, per attachment URL, per fetch.

These tables live on the same declarative ``Base`` as ``db.models`` and are
created by the migration ``0002_crawl``. They are the crawler's own state and
history; the records of a document stay in ``db.models``' tables.

- ``crawl_runs``: one nightly (or manual) crawl of one portal and its summary.
- ``crawl_urls``: one row per attachment URL ever seen, with the metadata the
  listing carried (link text, article title, publish date, organization) and
  the validators of the last bytes that were handled (``etag``,
  ``last_modified``, ``sha256``), which make the next request conditional.
  Two URLs publishing the same bytes are two rows with the same ``sha256``.
- ``fetch_log``: one row per attempt to fetch an attachment (and per listing
  or article page that failed), kept forever: the history of every URL.
- ``crawl_pages``: one row per list or article page read, with the
  validators the server gave and the sha256 of its bytes (kept in the raw
  store), so the next crawl asks conditionally and reads a 304's page from
  there (migration ``0005_crawl_pages``).

Writes that belong together (a URL's new validators and its fetch-log row,
plus retiring the rows of the document a re-published file replaced) happen in
one transaction, after the document itself is stored, so a crawl killed at any
point leaves validators that never claim more than the database holds.
"""

from __future__ import annotations

from datetime import date, datetime

from disclosures.db.models import Base, Document
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

# not_a_disclosure: fetched and classified (extractors.recognizers.classify) as a
# notice, form, web page …; the reason is in fetch_log.error
OUTCOMES = ("new", "changed", "unchanged", "duplicate", "failed", "disallowed", "not_a_disclosure")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    portal: Mapped[str] = mapped_column(String(128))
    flow_run_id: Mapped[str | None] = mapped_column(String(36))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # running → completed | failed; a run found still 'running' by the next
    # crawl of the same portal was killed and becomes 'interrupted'.
    status: Mapped[str] = mapped_column(String(16))
    n_pages: Mapped[int] = mapped_column(Integer, default=0)
    n_new: Mapped[int] = mapped_column(Integer, default=0)
    n_changed: Mapped[int] = mapped_column(Integer, default=0)
    n_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    n_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    n_failed: Mapped[int] = mapped_column(Integer, default=0)


class CrawlUrl(Base):
    __tablename__ = "crawl_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    portal: Mapped[str] = mapped_column(String(128))
    link_text: Mapped[str | None] = mapped_column(Text)
    page_url: Mapped[str | None] = mapped_column(Text)
    page_title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    organization: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_checked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_outcome: Mapped[str | None] = mapped_column(String(16))


class FetchLog(Base):
    __tablename__ = "fetch_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # attachment | page
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    redirects: Mapped[list[str]] = mapped_column(JSON)
    http_status: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float | None] = mapped_column(Float)


class CrawlPage(Base):
    __tablename__ = "crawl_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    portal: Mapped[str] = mapped_column(String(128))
    final_url: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    last_fetched: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def current_document_id(conn: Connection, sha256: str) -> int | None:
    """The id of a document with these bytes whose rows are in the database."""
    return conn.scalar(select(Document.id).where(Document.sha256 == sha256,
                                                 Document.current_run_id.is_not(None)))


def retire_document(conn: Connection, document_id: int) -> None:
    """Delete a superseded document's records, keeping its ``documents`` row and
    its ``extraction_runs`` (the history). Used when a portal re-publishes a
    corrected file at the same URL: the old bytes are a different document
    (sha256 is the identity) whose figures must no longer be counted."""
    from disclosures.db.store import delete_document_rows

    delete_document_rows(conn, document_id)
    conn.execute(update(Document).where(Document.id == document_id).values(current_run_id=None))


# -- the crawler's writes ------------------------------------------------------
def begin_crawl(conn: Connection, portal: str, flow_run_id: str | None, now: datetime) -> int:
    """Open a crawl run; earlier runs of this portal still 'running' were killed."""
    for stale in conn.scalars(select(CrawlRun.id).where(CrawlRun.portal == portal,
                                                        CrawlRun.status == "running")).all():
        close_crawl(conn, stale, "interrupted", None)
    return conn.execute(CrawlRun.__table__.insert().returning(CrawlRun.id), {
        "portal": portal, "flow_run_id": flow_run_id, "started_at": now, "status": "running",
        "n_pages": 0, "n_new": 0, "n_changed": 0, "n_unchanged": 0, "n_duplicate": 0, "n_failed": 0,
    }).scalar_one()


def crawl_counts(conn: Connection, crawl_run_id: int) -> dict[str, int]:
    """Attachment outcomes of a run, counted from its fetch log (so a killed
    run's counts are right too)."""
    rows = conn.execute(select(FetchLog.outcome, func.count()).where(
        FetchLog.crawl_run_id == crawl_run_id, FetchLog.kind == "attachment").group_by(FetchLog.outcome))
    counts = {outcome: 0 for outcome in OUTCOMES}
    counts.update({outcome: n for outcome, n in rows})
    return counts


def close_crawl(conn: Connection, crawl_run_id: int, status: str, n_pages: int | None,
                now: datetime | None = None) -> dict[str, int]:
    counts = crawl_counts(conn, crawl_run_id)
    values = {"status": status, "finished_at": now,
              **{f"n_{k}": counts[k] for k in ("new", "changed", "unchanged", "duplicate")},
              "n_failed": counts["failed"] + counts["disallowed"]}
    if n_pages is not None:
        values["n_pages"] = n_pages
    conn.execute(update(CrawlRun).where(CrawlRun.id == crawl_run_id).values(**values))
    return counts


def known_url(conn: Connection, url: str):
    """The URL's ``crawl_urls`` row (a Row with the columns as attributes), or None."""
    table = CrawlUrl.__table__
    return conn.execute(select(table).where(table.c.url == url)).one_or_none()


def other_urls_hold(conn: Connection, sha256: str, url: str) -> bool:
    return (conn.scalar(select(func.count()).select_from(CrawlUrl).where(
        CrawlUrl.sha256 == sha256, CrawlUrl.url != url)) or 0) > 0


def upsert_url(conn: Connection, url: str, values: dict, now: datetime) -> None:
    """Insert or update a URL's row; ``values`` holds only what this fetch knows
    (None never overwrites what an earlier fetch learned)."""
    known = {k: v for k, v in values.items() if v is not None}
    exists = conn.scalar(select(CrawlUrl.id).where(CrawlUrl.url == url))
    if exists is None:
        conn.execute(CrawlUrl.__table__.insert(), {"url": url, "first_seen": now, **known})
    else:
        conn.execute(update(CrawlUrl).where(CrawlUrl.id == exists).values(**known))


def known_page(conn: Connection, url: str):
    """The page's ``crawl_pages`` row, or None."""
    table = CrawlPage.__table__
    return conn.execute(select(table).where(table.c.url == url)).one_or_none()


def upsert_page(conn: Connection, url: str, values: dict) -> None:
    exists = conn.scalar(select(CrawlPage.id).where(CrawlPage.url == url))
    if exists is None:
        conn.execute(CrawlPage.__table__.insert(), {"url": url, **values})
    else:
        conn.execute(update(CrawlPage).where(CrawlPage.id == exists).values(**values))


def log_fetch(conn: Connection, crawl_run_id: int, **values) -> None:
    conn.execute(FetchLog.__table__.insert(), {"crawl_run_id": crawl_run_id,
                                               "redirects": values.pop("redirects", None) or [], **values})
