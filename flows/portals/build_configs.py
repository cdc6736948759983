"""Generate one portal config per city from ``city-budget-columns.csv``.

    python flows/portals/build_configs.py            # rewrite flows/portals/cities/
    python flows/portals/build_configs.py --check    # exit 1 if the shipped files differ

The CSV (copied from shared/portals/, see flows/portals/README.md) lists for
100 cities the column where departments publish their budgets. It was
collected by a public crawler and could not be checked from here, so every
generated config says ``verified = false``. Each URL is classified by its
shape (``SHAPES``, first match wins); the shapes the crawler's generic link
discovery follows get an enabled nightly schedule, the others (search pages,
unified platforms behind JSON or POST, a site's home page) are shipped
disabled with the reason, for an operator to replace with a column URL.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
SOURCE_CSV = HERE / "city-budget-columns.csv"
OUT_DIR = HERE / "cities"
SOURCE_NOTE = ("flows/portals/city-budget-columns.csv (shared/portals/, from the public crawler "
               "calinchow-del/renwu, city_data.json, collected in March 2026)")


@dataclass(frozen=True)
class Shape:
    name: str
    enabled: bool
    description: str


SHAPES = {
    "site-root": Shape("site-root", False, "a site's home page, not a column: the crawler would walk the "
                       "whole home page; find the budget column's URL and put it in start_urls"),
    "search": Shape("search", False, "a search page: its results come from a search engine (often by "
                    "JavaScript or POST), not a column the crawler can list"),
    "platform": Shape("platform", False, "a unified disclosure platform (预决算公开平台): documents behind "
                      "search forms and JSON endpoints, which need an adapter per platform"),
    "query-handler": Shape("query-handler", True, "a dynamic handler with a query string (?a=dir&…, "
                           "dynr.jsp?…): pages by a page parameter or numbered pager links, articles by "
                           "their titles"),
    "year-column": Shape("year-column", True, "one year's sub-column (…/2026ys/, …/2026n/): next year's "
                         "sits beside it, linked from the parent column as \"2027年\""),
    "jcms-column": Shape("jcms-column", True, "a Hanweb JCMS column (col/colNNN/index.html): entries in a "
                         "<datastore>, pages ?uid=…&pageNum=N, articles art/YYYY/M/D/art_….html"),
    "shtml-list": Shape("shtml-list", True, "an .shtml list (index_N.shtml, column-index-N.shtml, "
                        "…_list_N.shtml)"),
    "static-folder": Shape("static-folder", True, "a static column folder (TRS WCM: index.html, "
                           "index_N.html by a createPageHTML pager)"),
    "static-page": Shape("static-page", True, "a static list page (.html/.htm) with a pager of numbered "
                         "links"),
    "dynamic-page": Shape("dynamic-page", True, "a server-rendered list without extension or query "
                          "(site/tpl/NNN)"),
}
YEAR_SEGMENT = re.compile(r"/20\d{2}[a-z_]*/|/20\d{2}[a-z_]*(?:/[^/]*)?$")
PLATFORM_HOST = re.compile(r"^(yjsgk|yjs)\.")
PLATFORM_PATH = re.compile(r"gkpt/?(index\.html)?$|\.do$|/main$")


def url_to_shape(url: str) -> str:
    """The shape of a column URL (the names of ``SHAPES``)."""
    parts = urlsplit(url)
    path = parts.path
    if PLATFORM_HOST.match(parts.netloc) or PLATFORM_PATH.search(path):
        return "platform"
    if path in ("", "/") and not parts.query:
        return "site-root"
    if "search" in path.lower():
        return "search"
    if parts.query:
        return "query-handler"
    if YEAR_SEGMENT.search(path):
        return "year-column"
    if re.search(r"/col/col\d+/", path):
        return "jcms-column"
    if path.endswith(".shtml"):
        return "shtml-list"
    if path.endswith("/"):
        return "static-folder"
    if path.endswith((".html", ".htm")):
        return "static-page"
    return "dynamic-page"


def host_to_slug(host: str) -> str:
    host = re.sub(r"^www\.", "", host.split(":")[0])
    host = re.sub(r"\.(gov\.cn|com\.cn|cn|com)$", "", host)
    return re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")


def rank_to_cron(rank: int) -> str:
    """Nightly, spread over 01:00–05:59 Beijing time so that a hundred crawls
    do not start at once on the machine that runs them."""
    return f"{(rank * 7) % 60} {1 + rank % 5} * * *"


def comment(text: str) -> list[str]:
    return textwrap.wrap(text, 96, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def row_to_toml(row: dict[str, str]) -> str:
    rank, city, website, url = int(row["rank"]), row["city"], row["website"], row["budget_column_url"]
    shape = SHAPES[url_to_shape(url)]
    column_host, site_host = urlsplit(url).netloc, urlsplit(website).netloc
    allowed = [site_host] if site_host and site_host != column_host else []
    lines = [
        *comment(f"{city}: the column of its departments' 部门预算, generated by "
                 f"flows/portals/build_configs.py from row {rank} of {SOURCE_NOTE}."),
        *comment("NOT VERIFIED: nobody has crawled this site with this configuration yet. Run "
                 "`disclosures crawl <this file>` once by hand, read the run's fetch log, fix what it "
                 "shows, then set verified = true."),
        *comment(f"Shape {shape.name}: {shape.description}."),
        f"title = {toml_string(f'{city} 部门预算（未核实）')}",
        f"start_urls = [{toml_string(url)}]",
        f"allowed_hosts = [{', '.join(map(toml_string, allowed))}]",
        "verified = false",
        f"shape = {toml_string(shape.name)}",
        "",
        "[schedule]",
        f"cron = {toml_string(rank_to_cron(rank))}",
        'timezone = "Asia/Shanghai"',
    ]
    if not shape.enabled:
        lines += comment(f"Disabled: {shape.description}.")
    lines += [f"enabled = {str(shape.enabled).lower()}", "",
              "[fetch]", "# A small government server: one request at a time, 2 s apart.",
              "delay_seconds = 2.0", "per_host_concurrency = 1", "",
              "[list]", "max_pages = 300", ""]
    return "\n".join(lines)


def row_to_file_name(row: dict[str, str]) -> str:
    return f"{int(row['rank']):03d}-{host_to_slug(urlsplit(row['budget_column_url']).netloc)}.toml"


def read_rows(path: Path = SOURCE_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build(rows: list[dict[str, str]]) -> dict[str, str]:
    """File name → TOML text, one per CSV row."""
    return {row_to_file_name(row): row_to_toml(row) for row in rows}


def shape_counts(rows: list[dict[str, str]]) -> dict[str, int]:
    counts = {name: 0 for name in SHAPES}
    for row in rows:
        counts[url_to_shape(row["budget_column_url"])] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files, write nothing")
    args = parser.parse_args()
    rows = read_rows()
    files = build(rows)
    shipped = {p.name: p.read_text(encoding="utf-8") for p in OUT_DIR.glob("*.toml")}
    if args.check:
        stale = sorted(set(files) ^ set(shipped) | {n for n in files if shipped.get(n) != files[n]})
        print("\n".join(stale) or "up to date")
        return 1 if stale else 0
    OUT_DIR.mkdir(exist_ok=True)
    for name in set(shipped) - set(files):
        (OUT_DIR / name).unlink()
    for name, text in files.items():
        (OUT_DIR / name).write_text(text, encoding="utf-8")
    counts = shape_counts(rows)
    print(f"{len(files)} configs in {OUT_DIR}; shapes: "
          + ", ".join(f"{name} {n}" for name, n in counts.items() if n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
