"""Crawl a disclosure portal: find its attachments, fetch what changed, process it.

``crawl_portal`` is the nightly Prefect flow. It only orchestrates:

1. ``discover`` walks the column — list pages (``下一页`` links, the TRS
   ``createPageHTML(total, current, "index", "html")`` pager read from its
   arguments, numbered pager links to the same URL with another page number
   (``column-index-2.shtml``, ``?pageNum=2``), ``?page=N`` parameters, year
   sub-columns) and the article pages they list — and returns every
   attachment link (a file extension, or a download handler) with what the
   listing said about it (title, publish date, organization). Pages come
   with conditional requests: an unchanged page is a 304 and its stored copy
   is read again.
2. ``fetch_attachment`` runs per URL in a thread pool; ``flows.fetch`` keeps
   each host at one or two requests in flight with a delay between them. A
   conditional request built from the validators stored for that URL makes an
   unchanged file a 304.
3. New or changed bytes go to the raw store (by sha256) and through
   ``flows.pipeline.process_file`` (a .zip through ``process_bundle``, each
   file in it a document of its own); bytes already stored as a document (the
   same file under a second URL) are not processed again.
4. Every attachment ends in a ``fetch_log`` row (status, bytes, sha256, error);
   a failure never stops the crawl. The run's summary is counted from that log.

Caching. The fetch is "cached on URL + validators" by HTTP itself: the stored
ETag/Last-Modified go out with the request and the server answers 304. A
Prefect result cache keyed on the same values is deliberately not used: the
stored validators only change after a fetch, so such a cache would answer
"unchanged" for a file the portal has since replaced.

Scale-out: fetches run in a ``ThreadPoolTaskRunner`` inside the flow, where
the per-host limits hold. By default each new file is processed in the flow's
process as soon as it arrives. Given ``workers`` (a Dask ``LocalCluster``) or
``dask_address`` (a running Dask scheduler), the new files are instead
processed by the subflow ``process_documents`` on prefect-dask's
``DaskTaskRunner`` once the fetches are done — a flow has one task runner, so
the processing gets a flow of its own. Dask workers read the files from the
raw store and write to the database themselves: both must be shared, so a
SQLite URL is refused (``require_shared_database``). Start a Prefect API
server and set ``PREFECT_API_URL`` for the flow and the workers, or every
worker starts a temporary server of its own (shared/TOOLCHAIN.md).
docs/scale-out.md describes running it across machines.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import tempfile
import tomllib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from disclosures.flows.fetch import (
    CachedPage,
    Fetcher,
    FetchError,
    FetchSettings,
    FileFetch,
    Page,
    Validators,
    decode_percent,
    query_file_name,
)
from disclosures.model.errors import BadInput, Failure
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import TerminationSignal
from prefect.futures import PrefectWrappedFuture
from prefect.task_runners import ThreadPoolTaskRunner

PORTALS_DIR = Path(__file__).resolve().parent / "portals"
HTML_SUFFIXES = ("", ".html", ".htm", ".shtml", ".jhtml", ".jsp", ".aspx", ".php", ".do")
# Pages a static server writes: a link text naming a .pdf never makes these an attachment.
STATIC_PAGE_SUFFIXES = (".html", ".htm", ".shtml")
# TRS list pages: index.html, index_1.html, …
TRS_LIST_PAGE = re.compile(r"/index(_\d+)?\.s?html?$")
TRS_PAGER = re.compile(r"createPageHTML\s*\(([^)]*)\)")
# Hanweb JCMS columns (col/col123/index.html) ship their entries as HTML inside
# CDATA in <script type="text/xml"><datastore>…</datastore></script>, for a
# script to render: the crawler reads them from there.
JCMS_DATASTORE = re.compile(r"<script[^>]*type\s*=\s*[\"']text/xml[\"'][^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
# Numbers a pager shows; larger ones in a URL are ids or years, not page numbers.
MAX_PAGE_NUMBER = 999
FETCH_WORKERS = 4


# -- configuration -------------------------------------------------------------
@dataclass(frozen=True)
class ScheduleSettings:
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    enabled: bool = True


@dataclass(frozen=True)
class ListSettings:
    # Regexes (searched in the absolute URL) of further list pages; pager links
    # found by the rules below are list pages whatever their URL.
    url_patterns: tuple[str, ...] = ()
    next_link_texts: tuple[str, ...] = ("下一页", "下页", "后一页", "Next", "next")
    # Query-parameter paging (?page=2): the parameter's name, "" for none.
    page_param: str = ""
    # Pager links: a link with one of these texts to the list page's own URL
    # with another page number (column-index-2.shtml, 2.html, ?pageNum=2), or
    # another value of a query parameter named like this.
    page_params: str = r"p|pn|pg|page|page_?no|page_?num|page_?index|cur_?page|current_?page|curr?"
    pager_link_text: str = (r"^(\d{1,3}|[<>«»‹›]+|首页|尾页|末页|上一?页|下一?页|前一页|后一页"
                            r"|next|prev|previous|first|last)$")
    # Year sub-columns: a column page linking one list per year ("2025年",
    # "2026年部门预算"); such links are list pages wherever they point on the site.
    sub_column_text: str = r"^(20\d{2})\s*年?度?\s*(部门|市级|本级)?\s*(预算|决算|预决算)?\s*(公开)?$"
    max_pages: int = 200
    # XPath of one listing entry (e.g. "//ul[@class='list-ul']/li"); "" takes
    # the parent element of each link.
    entry_xpath: str = ""
    date_pattern: str = r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
    # The reporting unit from an entry's title: "泸州市委政法委2024年度部门决算".
    organization_pattern: str = r"^(?:关于(?:公开)?)?(?P<org>.+?)(?:20\d{2})\s*年"


@dataclass(frozen=True)
class DocumentSettings:
    # Regexes of article pages; none: the rules below.
    url_patterns: tuple[str, ...] = ()
    # Without url_patterns an on-site page is an article when it is under the
    # start URL's folder, its link text names one of these (the genre's own
    # words: listings elsewhere on the site link budgets from their titles),
    # or its URL has the shape of a CMS's article (TRS t20250930_123.html,
    # Hanweb JCMS art/2025/9/30/art_12_345.html, the Guangdong government
    # platform's post_123.html, VSB/Boda info/1234/5678.htm).
    title_keywords: tuple[str, ...] = ("预算", "决算", "三公", "绩效")
    article_patterns: tuple[str, ...] = (r"/t20\d{6}_\d+\.s?html?$", r"/art/20\d{2}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",
                                         r"/post_\d+\.html$", r"/info/\d+/\d+\.htm$")
    title_xpath: str = "//h1"
    # Where the attachments sit (e.g. "//div[@class='TRS_Editor']"); "" is the whole page.
    content_xpath: str = ""


@dataclass(frozen=True)
class AttachmentSettings:
    extensions: tuple[str, ...] = ("pdf", "doc", "docx", "xls", "xlsx", "zip")
    # Download handlers without an extension, e.g. r"/download\.jsp\?fileId=".
    url_patterns: tuple[str, ...] = ()
    # The handlers portals publish every attachment through (shared/PORTALS.md):
    # downfile.jsp?filename=…, DownLoad.aspx?…, fileDownload.do?…, download?id=….
    # Only the link text, Content-Disposition or the bytes say what they serve;
    # the fetch decides by the bytes.
    download_handlers: tuple[str, ...] = (
        r"(?i)/[^/?#]*down[^/?#]*\.(jsp|aspx?|ashx|php|do|action)(\?|$)",
        r"(?i)/(download|downloadfile|downfile|getfile|attachment)/?\?.")
    # Keep only links whose text or title contains one of these; empty keeps all.
    link_text_include: tuple[str, ...] = ()


@dataclass(frozen=True)
class PortalConfig:
    name: str
    start_urls: tuple[str, ...]
    title: str = ""
    source: str = ""  # the TOML file or the URL the config came from
    allowed_hosts: tuple[str, ...] = ()
    organization: str = ""  # a department's own site: every document is its
    # False until someone has crawled the live site with this config and
    # checked what it found (the generated city configs start unverified).
    verified: bool = False
    # The URL shape the column was classified as (flows/portals/build_configs.py).
    shape: str = ""
    schedule: ScheduleSettings = ScheduleSettings()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    list: ListSettings = ListSettings()
    document: DocumentSettings = DocumentSettings()
    attachments: AttachmentSettings = AttachmentSettings()

    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc for u in self.start_urls} | set(self.allowed_hosts)


class PortalConfigError(BadInput):
    """A portal configuration the crawler cannot use; the message names the file and field."""


class CrawlError(Failure):
    """The crawl as a whole could not run (not one document's failure)."""


class ScaleOutError(BadInput):
    """A scale-out the arguments ask for that cannot run; refused before anything runs."""


SECTIONS = {"schedule": ScheduleSettings, "fetch": FetchSettings, "list": ListSettings,
            "document": DocumentSettings, "attachments": AttachmentSettings}


def settings_from(cls: type, data: dict[str, Any], where: str):
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise PortalConfigError(f"{where}: unknown keys {sorted(unknown)}; known: {sorted(names)}")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def config_from_toml(path: Path) -> PortalConfig:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PortalConfigError(f"{path}: {exc}") from exc
    sections = {key: settings_from(cls, data.pop(key, {}), f"{path} [{key}]") for key, cls in SECTIONS.items()}
    if not data.get("start_urls"):
        raise PortalConfigError(f"{path}: start_urls is required")
    top = settings_from(PortalConfig, {"name": path.stem, **data}, str(path))
    return PortalConfig(**{**vars(top), **sections, "source": str(path)})


def config_for_url(url: str) -> PortalConfig:
    """No config: the column is the start URL's folder on its host."""
    parts = urlsplit(url)
    return PortalConfig(name=parts.netloc, start_urls=(url,), source=url)


def load_portal(ref: str) -> PortalConfig:
    """A portal from a URL, a TOML path, or a config name in ``flows/portals``
    (or a folder in it)."""
    if re.match(r"https?://", ref):
        return config_for_url(ref)
    for path in (Path(ref), *portal_files().get(ref, ())):
        if path.is_file():
            return config_from_toml(path)
    raise PortalConfigError(f"{ref}: not a URL, a TOML file or a portal in {PORTALS_DIR}")


def portal_files(directory: Path = PORTALS_DIR) -> dict[str, list[Path]]:
    """Config files by portal name (the file stem), in ``directory`` and its folders."""
    files: dict[str, list[Path]] = {}
    for path in sorted(directory.rglob("*.toml")):
        files.setdefault(path.stem, []).append(path)
    return files


def all_portals(directory: Path = PORTALS_DIR) -> list[PortalConfig]:
    """Every config under ``directory``; two files of one name are an error
    (a name must say which portal ``disclosures crawl NAME`` means)."""
    configs = []
    for name, paths in portal_files(directory).items():
        if len(paths) > 1:
            raise PortalConfigError(f"portal {name!r} is configured twice: {', '.join(map(str, paths))}")
        configs.append(config_from_toml(paths[0]))
    return configs


# -- link discovery (pure functions over HTML) ---------------------------------
@dataclass(frozen=True)
class Link:
    url: str
    text: str
    entry_text: str  # the text of the listing entry around the link (title, date)


@dataclass
class Attachment:
    url: str
    link_text: str
    page_url: str
    page_title: str | None = None
    published: date | None = None
    organization: str | None = None


@dataclass
class Discovery:
    attachments: dict[str, Attachment] = field(default_factory=dict)
    pages: int = 0
    not_modified: int = 0  # pages answered 304 and read from the page cache
    failures: list[FetchError] = field(default_factory=list)


def html_to_tree(text: str, base_url: str):
    root = lxml.html.fromstring(unwrap_datastore(text) or "<html></html>")
    root.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
    return root


def unwrap_datastore(html: str) -> str:
    """A JCMS page with its ``<datastore>`` records in place of the script
    holding them (other CMSs' pages come back unchanged)."""
    return JCMS_DATASTORE.sub(lambda m: "".join(CDATA.findall(m.group(1))), html)


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def strip_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def entry_element(anchor, entry_xpath_nodes: set) -> Any:
    """The listing entry holding a link: a configured entry node, else the
    nearest ancestor with more text than the link (the <li> with its date)."""
    node = anchor
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
        if node in entry_xpath_nodes or clean_text(node.text_content()) != clean_text(anchor.text_content()):
            return node
    return node


def tree_to_links(root, entry_xpath: str = "") -> list[Link]:
    entries = set(root.xpath(entry_xpath)) if entry_xpath else set()
    links = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href.startswith(("http://", "https://")):
            continue  # javascript:, mailto:, or unresolvable
        text = clean_text(anchor.text_content()) or clean_text(anchor.get("title", ""))
        links.append(Link(strip_fragment(href), text,
                          clean_text(entry_element(anchor, entries).text_content())))
    return links


def pager_variables(html: str) -> dict[str, int]:
    """``var countPage = 12`` and the like: TRS templates often pass the
    pager's numbers through variables (``createPageHTML(countPage, currentPage, …)``)."""
    return {name: int(value) for name, value in re.findall(r"\b(\w+)\s*=\s*(\d+)\s*[;,\n/]", html)}


def trs_pager_urls(html: str, page_url: str) -> list[str]:
    """Pages of a TRS ``createPageHTML`` pager, read from its arguments.

    Old form: ``createPageHTML(12, 0, "index", "html")`` — total, current,
    stem, extension. Newer sites put a div id first and a record count last
    (``createPageHTML('page_div', 12, 1, 'index', 'html', 230)``): the first two
    integers are total and current; the stem is the string before the extension.
    Numbers may come through variables (``var countPage = 12``).
    Page 0 is ``index.html``, page n is ``index_n.html``."""
    urls = []
    variables = pager_variables(html)
    for args in TRS_PAGER.findall(html):
        parts = [a.strip().strip("'\"") for a in args.split(",")]
        numbers = [int(p) if p.isdigit() else variables[p] for p in parts if p.isdigit() or p in variables]
        exts = [i for i, p in enumerate(parts) if p.lower() in ("html", "htm", "shtml")]
        if len(numbers) < 2 or not exts or exts[0] == 0:
            continue
        total, stem, ext = min(numbers[0], MAX_PAGE_NUMBER), parts[exts[0] - 1], parts[exts[0]]
        urls += [urljoin(page_url, f"{stem}.{ext}" if n == 0 else f"{stem}_{n}.{ext}") for n in range(total)]
    return urls


def next_page_by_param(url: str, param: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query[param] = str(int(query.get(param) or 1) + 1)
    return urlunsplit(parts._replace(query=urlencode(query)))


def url_to_tokens(text: str) -> list[str]:
    return re.findall(r"\d+|\D+", text)


def differ_by_a_page_number(a: str, b: str) -> bool:
    """The same text but for one number, small on both sides
    (``column-index-1`` / ``column-index-2``, ``1`` / ``2``)."""
    ta, tb = url_to_tokens(a), url_to_tokens(b)
    if len(ta) != len(tb):
        return False
    diffs = [(x, y) for x, y in zip(ta, tb, strict=True) if x != y]
    return (len(diffs) == 1 and diffs[0][0].isdigit() and diffs[0][1].isdigit()
            and max(int(diffs[0][0]), int(diffs[0][1])) <= MAX_PAGE_NUMBER)


def is_numbered_variant(name: str, numbered: str) -> bool:
    """``xxgk_list_2.shtml`` of ``xxgk_list.shtml``: the same name with a page number appended."""
    stem, dot, ext = name.rpartition(".")
    match = re.fullmatch(r"(.*)[_-](\d+)", numbered.rpartition(".")[0])
    return bool(dot and match and match.group(1) == stem and numbered.endswith(f".{ext}")
                and int(match.group(2)) <= MAX_PAGE_NUMBER)


def query_page_change(query_a: str, query_b: str, page_param: str) -> bool:
    """``query_b`` is ``query_a`` with another value of one page parameter —
    changed or added, beside parameters only added (JCMS adds ``uid=`` to
    ``?pageNum=``); nothing of ``query_a`` is dropped."""
    qa, qb = dict(parse_qsl(query_a)), dict(parse_qsl(query_b))
    if any(k not in qb for k in qa):
        return False
    changed = [k for k in qb if qa.get(k) != qb[k]]
    paged = [k for k in changed if re.fullmatch(page_param, k, re.IGNORECASE)]
    return (len(paged) == 1 and qb[paged[0]].isdigit() and int(qb[paged[0]]) <= MAX_PAGE_NUMBER
            and all(k not in qa for k in changed if k != paged[0]))


def is_pager_sibling(page_url: str, url: str, page_param: str) -> bool:
    """``url`` is ``page_url`` with another page number: in the file name
    (``column-index-2.shtml``, ``2.html``, ``xxgk_list_2.shtml``; TRS's
    ``index_2.html`` too) or in a page parameter (``?uid=7&pageNum=2``)."""
    a, b = urlsplit(page_url), urlsplit(url)
    if a.netloc != b.netloc:
        return False
    if a.path == b.path:
        return query_page_change(a.query, b.query, page_param)
    folder_a, _, name_a = a.path.rpartition("/")
    folder_b, _, name_b = b.path.rpartition("/")
    return folder_a == folder_b and a.query == b.query and (
        differ_by_a_page_number(name_a, name_b) or is_numbered_variant(name_a, name_b)
        or is_numbered_variant(name_b, name_a))


def text_to_date(text: str, pattern: str) -> date | None:
    match = re.search(pattern, text or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()[:3]))
    except ValueError:
        return None


def title_to_organization(title: str, pattern: str) -> str | None:
    match = re.search(pattern, title or "") if pattern else None
    return match.group("org").strip(" ：:") if match else None


class Scope:
    """Which URLs of a portal are list pages, article pages and attachments."""

    def __init__(self, config: PortalConfig):
        self.config = config
        self.hosts = config.hosts()
        self.folders = tuple(urlsplit(u).path.rsplit("/", 1)[0] + "/" for u in config.start_urls)
        # A dynamic handler's column (``index.jsp?a=dir&c=177``) shares its
        # folder with the whole site: only static columns make their folder an article rule.
        self.static_folders = tuple(urlsplit(u).path.rsplit("/", 1)[0] + "/" for u in config.start_urls
                                    if not urlsplit(u).query)
        self.extensions = tuple(e.lower() for e in config.attachments.extensions)
        self.attachment_suffixes = tuple(f".{e}" for e in self.extensions)
        alternatives = "|".join(map(re.escape, self.extensions))
        self.names_file = re.compile(rf"\.({alternatives})\s*[)）]?$", re.IGNORECASE)

    def on_site(self, url: str) -> bool:
        return urlsplit(url).netloc in self.hosts

    def in_column(self, url: str) -> bool:
        return self.on_site(url) and urlsplit(url).path.startswith(self.static_folders)

    def is_attachment(self, link: Link) -> bool:
        """A file by its decoded extension; a download handler's URL (or a
        file name in its query); a link text naming a file (``….pdf``) on a
        URL that is no static page."""
        settings = self.config.attachments
        path = decode_percent(urlsplit(link.url).path).lower()
        query_name = query_file_name(link.url) or ""
        matched = (path.endswith(self.attachment_suffixes)
                   or query_name.lower().endswith(self.attachment_suffixes)
                   or any(re.search(p, link.url) for p in settings.url_patterns + settings.download_handlers)
                   or (bool(self.names_file.search(link.text)) and not path.endswith(STATIC_PAGE_SUFFIXES)))
        return matched and (not settings.link_text_include
                            or any(word in link.text for word in settings.link_text_include))

    def is_list_page(self, url: str) -> bool:
        if not self.on_site(url):
            return False
        patterns = self.config.list.url_patterns
        if patterns:
            return any(re.search(p, url) for p in patterns)
        path = urlsplit(url).path
        return path.startswith(self.folders) and bool(TRS_LIST_PAGE.search(path))

    def is_sub_column(self, link: Link) -> bool:
        """A year's list under a column page ("2025年" → ``…/2025ys/``)."""
        return self.on_site(link.url) and bool(re.search(self.config.list.sub_column_text, link.text))

    def is_pager_link(self, link: Link, page_url: str) -> bool:
        settings = self.config.list
        return self.on_site(link.url) and (
            link.text in settings.next_link_texts
            or (bool(re.search(settings.pager_link_text, link.text, re.IGNORECASE))
                and is_pager_sibling(page_url, link.url, settings.page_params)))

    def is_document_page(self, url: str, text: str = "") -> bool:
        if not self.on_site(url) or self.is_list_page(url):
            return False
        settings = self.config.document
        if settings.url_patterns:
            return any(re.search(p, url) for p in settings.url_patterns)
        path = urlsplit(url).path
        if Path(path).suffix.lower() not in HTML_SUFFIXES or path in self.folders:
            return False
        if any(re.search(p, path) for p in settings.article_patterns) or any(
                word in text for word in settings.title_keywords):
            return True
        return self.in_column(url) and not path.endswith("/")

    def link_role(self, link: Link, page_url: str) -> str | None:
        """What a link on a list page is: "attachment", "list", "document" or None."""
        if self.is_attachment(link):
            return "attachment"
        if self.is_list_page(link.url) or self.is_pager_link(link, page_url) or self.is_sub_column(link):
            return "list"
        if self.is_document_page(link.url, link.text):
            return "document"
        return None


def list_page_links(root, html: str, page_url: str, scope: Scope) -> list[str]:
    """Further list pages: the TRS pager, pager links, year sub-columns, configured list URLs."""
    found = trs_pager_urls(html, page_url)
    found += [link.url for link in tree_to_links(root) if scope.link_role(link, page_url) == "list"]
    return found


def entry_to_attachment(link: Link, page_url: str, title: str | None, published: date | None,
                        scope: Scope) -> Attachment:
    settings = scope.config.list
    organization = scope.config.organization or title_to_organization(title or link.text,
                                                                       settings.organization_pattern)
    return Attachment(link.url, link.text, page_url, title,
                      published or text_to_date(link.entry_text, settings.date_pattern), organization)


def page_title(root, settings: DocumentSettings) -> str | None:
    nodes = root.xpath(settings.title_xpath) if settings.title_xpath else []
    title = clean_text(nodes[0].text_content()) if nodes else ""
    if not title:
        title = clean_text(root.findtext(".//title") or "").split("_")[0]
    return title or None


# -- discovery -----------------------------------------------------------------
class PageCache:
    """Pages as earlier crawls read them (validators + bytes), for conditional
    requests; this base class remembers nothing (every page is fetched whole)."""

    def get(self, url: str) -> CachedPage | None:
        return None

    def put(self, page: Page) -> None:
        return None


def discover(config: PortalConfig, fetcher: Fetcher, max_pages: int | None = None,
             cache: PageCache | None = None) -> Discovery:
    """Walk list pages and their article pages; collect attachment links.

    Article pages yield only attachments (depth 1): the column's own listing
    decides which articles exist, so the crawl cannot wander off into the site."""
    scope, found, cache = Scope(config), Discovery(), cache or PageCache()
    limit = max_pages or config.list.max_pages
    queue: deque[tuple[str, str, dict]] = deque((u, "list", {}) for u in config.start_urls)
    seen: set[str] = set()
    while queue and found.pages < limit:
        url, role, entry = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            page = fetcher.get_page(url, cache.get(url))
        except FetchError as exc:
            found.failures.append(exc)
            continue
        found.pages += 1
        found.not_modified += page.not_modified
        if not page.not_modified:
            cache.put(page)
        scope.hosts.add(urlsplit(page.final_url).netloc)  # a column that moved to a new domain
        root = html_to_tree(page.text, page.final_url)
        if role == "list":
            queue.extend(read_list_page(root, page.text, page.final_url, scope, found))
        else:
            read_document_page(root, page.final_url, entry, scope, found)
    return found


def read_list_page(root, html: str, page_url: str, scope: Scope, found: Discovery):
    """Queue pagination and article pages; attachments listed directly are kept."""
    settings = scope.config.list
    queued: list[tuple[str, str, dict[str, Any]]] = [
        (u, "list", {}) for u in trs_pager_urls(html, page_url)]
    entries = 0
    for link in tree_to_links(root, settings.entry_xpath):
        role = scope.link_role(link, page_url)
        published = text_to_date(link.entry_text, settings.date_pattern)
        meta = {"title": link.text, "published": published}
        if role == "attachment":
            entries += 1
            found.attachments.setdefault(link.url, entry_to_attachment(
                link, page_url, link.text, published, scope))
        elif role == "document":
            entries += 1
            queued.append((link.url, "document", meta))
        elif role == "list":
            queued.append((link.url, "list", {}))
    if settings.page_param and entries:
        queued.append((next_page_by_param(page_url, settings.page_param), "list", {}))
    return queued


def read_document_page(root, page_url: str, entry: dict, scope: Scope, found: Discovery) -> None:
    settings = scope.config.document
    title = entry.get("title") or page_title(root, settings)
    published = entry.get("published") or text_to_date(clean_text(root.text_content()),
                                                       scope.config.list.date_pattern)
    areas = root.xpath(settings.content_xpath) if settings.content_xpath else [root]
    for area in areas:
        for link in tree_to_links(area):
            if scope.is_attachment(link):
                found.attachments.setdefault(link.url, entry_to_attachment(
                    link, page_url, title, published, scope))


# -- the flow ------------------------------------------------------------------
@task(name="discover", cache_policy=NO_CACHE)
def discover_task(config: PortalConfig, fetcher: Fetcher, max_pages: int | None,
                  cache: PageCache | None = None) -> Discovery:
    return discover(config, fetcher, max_pages, cache)


@task(name="fetch_attachment", cache_policy=NO_CACHE)
def fetch_attachment(fetcher: Fetcher, attachment: Attachment, validators: Validators,
                     workdir: str) -> FileFetch | FetchError:
    """The fetched file, or the reason it could not be fetched — returned, not
    raised: a 404 or an error page is the portal's state, recorded in the fetch
    log, not a failure of the crawl's machinery."""
    try:
        return fetcher.get_file(attachment.url, validators, Path(workdir), attachment.link_text)
    except FetchError as exc:
        get_run_logger().warning("%s", exc)
        return exc


@task(name="process_attachment", cache_policy=NO_CACHE)
def process_attachment(path: str, db_url: str | None, source_url: str, raw_root: str | None) -> int | None:
    """The id of the document stored from the file. A zip bundle is no document
    itself: its members are stored as documents of their own linked to the URL
    (``process_bundle``), and None is returned; a bundle of which no member could
    be processed fails as bad input."""
    from disclosures.flows.pipeline import is_bundle, process_bundle, process_file
    from disclosures.model.errors import BadInput

    if not is_bundle(Path(path)):
        return process_file(Path(path), db_url, source_url, raw_root).document_id
    bundle = process_bundle(Path(path), db_url, source_url, raw_root)
    failures = [f"{m.name}: {m.error}" for m in bundle.failed]
    for failure in failures:
        get_run_logger().warning("%s: %s", source_url, failure)
    if not bundle.processed:
        raise BadInput(f"{bundle.file_name}: no file of the bundle could be processed ({'; '.join(failures)})")
    return None


@task(name="process_stored", cache_policy=NO_CACHE)
def process_stored(sha256: str, file_name: str, db_url: str | None, source_url: str,
                   raw_root: str | None) -> int | None:
    """``process_attachment`` on a Dask worker, reading the file from the
    shared raw store (the flow's download folder may be on another machine)."""
    from disclosures.db import rawstore

    stored = rawstore.find(sha256, raw_root)
    if stored is None:
        raise CrawlError(f"{sha256}: not in the raw store {raw_root}; every worker needs the crawl's raw store")
    # A copy under the published name: the pipeline reads the file name
    # (and resolves symlinks, which would give the sha256 name).
    with tempfile.TemporaryDirectory(prefix="disclosures-worker-") as tmp:
        path = Path(tmp) / file_name
        shutil.copyfile(stored, path)
        return process_attachment.fn(str(path), db_url, source_url, raw_root)


@flow(name="process_documents")
def process_documents(files: list[tuple[str, str, str]], db_url: str | None,
                      raw_root: str | None) -> dict[str, int | None | Exception]:
    """Process ``(sha256, file_name, source_url)`` files on the flow's task
    runner (a ``DaskTaskRunner`` given by ``with_options``); for each sha256
    what ``process_attachment`` returned, or the exception that stopped it —
    one file's failure is recorded in the crawl's fetch log, not raised."""
    futures = {sha: process_stored.submit(sha, name, db_url, url, raw_root) for sha, name, url in files}
    results: dict[str, int | None | Exception] = {}
    for sha, future in futures.items():
        try:
            results[sha] = future.result()
        except Exception as exc:
            results[sha] = exc
    return results


@dataclass(frozen=True)
class ScaleOut:
    """Where new files are processed: a Dask ``LocalCluster`` of ``workers``
    processes, or the Dask scheduler at ``address``."""

    workers: int | None = None
    address: str | None = None

    def worker_config(self):
        """Dask settings for the workers a ``LocalCluster`` starts: not daemonic,
        because ``flows.isolation`` extracts each document in a child process
        (time and memory limits) and a daemonic process may have no children.
        Workers started elsewhere need it in their own environment:
        ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (docs/scale-out.md)."""
        import dask

        return dask.config.set({"distributed.worker.daemon": False})

    def task_runner(self):
        from prefect_dask import DaskTaskRunner

        if self.address:
            return DaskTaskRunner(address=self.address)
        # One thread per worker process: reading PDFs is CPU-bound Python.
        return DaskTaskRunner(cluster_kwargs={"n_workers": self.workers, "threads_per_worker": 1,
                                              "processes": True})


def scale_out_for(workers: int | None, dask_address: str | None, db_url: str | None) -> ScaleOut | None:
    """The scale-out asked for, checked before anything runs; None: process in the flow."""
    if workers is None and not dask_address:
        return None
    if workers is not None and dask_address:
        raise ScaleOutError(f"give workers ({workers}) or a Dask address ({dask_address}), not both")
    if workers is not None and workers < 1:
        raise ScaleOutError(f"workers must be at least 1, not {workers}")
    if importlib.util.find_spec("prefect_dask") is None:
        raise ScaleOutError("processing on Dask needs prefect-dask: pip install -e '.[dask]'")
    require_shared_database(db_url)
    return ScaleOut(workers, dask_address)


def require_shared_database(db_url: str | None) -> None:
    """Dask workers write from processes of their own, possibly on other
    machines: a SQLite file cannot be shared that way (its locks do not hold
    on network file systems), so scale-out needs a database server."""
    from disclosures.db.engine import resolve_url
    from sqlalchemy.engine import make_url

    url = make_url(resolve_url(db_url))
    if url.get_backend_name() == "sqlite":
        raise ScaleOutError(f"{url.render_as_string()}: processing on Dask workers needs a database server "
                            "every worker reaches (PostgreSQL: postgresql+psycopg://host/db), not SQLite")


class StoredPageCache(PageCache):
    """Pages in ``crawl_pages`` (validators) and the raw store (bytes). A
    page whose bytes are gone from the raw store is fetched whole again."""

    def __init__(self, engine, portal: str, raw_root: str | None):
        self.engine, self.portal, self.raw_root = engine, portal, raw_root

    def get(self, url: str) -> CachedPage | None:
        from disclosures.db import rawstore
        from disclosures.db.crawl import known_page

        with self.engine.connect() as conn:
            row = known_page(conn, url)
        stored = rawstore.find(row.sha256, self.raw_root) if row is not None else None
        if stored is None:
            return None
        return CachedPage(Validators(row.etag, row.last_modified), stored.read_bytes(), row.content_type)

    def put(self, page: Page) -> None:
        """Only pages with a validator are kept: without one the server
        cannot answer 304, and the copy would never be read."""
        from disclosures.db import rawstore
        from disclosures.db.crawl import upsert_page
        from disclosures.db.engine import write_transaction

        if not (page.validators.etag or page.validators.last_modified):
            return
        sha256 = hashlib.sha256(page.body).hexdigest()
        rawstore.put_bytes(page.body, sha256, ".html", self.raw_root)
        with write_transaction(self.engine) as conn:
            upsert_page(conn, page.url, {
                "portal": self.portal, "final_url": page.final_url, "etag": page.validators.etag,
                "last_modified": page.validators.last_modified,
                "content_type": (page.content_type or "")[:128] or None, "sha256": sha256,
                "last_fetched": now()})


@dataclass(frozen=True)
class Known:
    """What the database knew about a URL before this crawl fetched it."""

    validators: Validators = Validators()
    sha256: str | None = None
    document_id: int | None = None


def now() -> datetime:
    return datetime.now(UTC)


def load_known(engine, url: str) -> Known:
    from disclosures.db.crawl import known_url

    with engine.connect() as conn:
        row = known_url(conn, url)
    if row is None or row.sha256 is None:
        return Known()
    return Known(Validators(row.etag, row.last_modified), row.sha256, row.document_id)


@dataclass(frozen=True)
class CrawlContext:
    """Where one crawl writes: passed to the steps that record its outcomes."""

    engine: Any
    crawl_id: int
    portal: str
    db_url: str | None
    raw_root: str | None
    # New files waiting for ``process_documents``; None: processed as they arrive.
    deferred: list[Pending] | None = None


@dataclass(frozen=True)
class Pending:
    """New bytes fetched for a URL, to be processed after the fetches."""

    attachment: Attachment
    fetched: FileFetch
    known: Known


# prefect types the flow's task_runner invariantly (TaskRunner[PrefectFuture]), which no runner matches
@flow(name="crawl_portal", task_runner=ThreadPoolTaskRunner(max_workers=FETCH_WORKERS))  # type: ignore[arg-type]
def crawl_portal(portal: str, db_url: str | None = None, raw_root: str | None = None,
                 delay_seconds: float | None = None, timeout_seconds: float | None = None,
                 retries: int | None = None, max_pages: int | None = None,
                 workers: int | None = None, dask_address: str | None = None) -> dict:
    """Crawl one portal (a config name, a TOML path or a start URL) into the
    database; returns the run's summary (pages, new, changed, unchanged,
    duplicate, failed, disallowed). ``workers`` (a local Dask cluster) or
    ``dask_address`` (a Dask scheduler) process the new files on Dask."""
    from disclosures.db import rawstore
    from disclosures.db.crawl import begin_crawl, close_crawl
    from disclosures.db.engine import (
        get_engine,
        migrate,
        resolve_url,
        write_transaction,
    )
    from prefect.runtime import flow_run

    config = load_portal(portal)
    scale_out = scale_out_for(workers, dask_address, db_url)
    if scale_out:
        # Workers have their own environment and working directory: hand them
        # the database and raw store this run resolved, not their defaults.
        db_url, raw_root = resolve_url(db_url), str(rawstore.root_dir(raw_root).resolve())
    settings = config.fetch.with_overrides(delay_seconds=delay_seconds, timeout_seconds=timeout_seconds,
                                           retries=retries)
    engine = get_engine(db_url)
    migrate(engine)
    with write_transaction(engine) as conn:
        run = CrawlContext(engine, begin_crawl(conn, config.name, flow_run.get_id(), now()), config.name,
                           db_url, raw_root, [] if scale_out else None)
    pages = None
    try:
        with Fetcher(settings) as fetcher, tempfile.TemporaryDirectory(prefix="disclosures-crawl-") as workdir:
            if not config.verified and Path(config.source).suffix == ".toml":
                get_run_logger().warning(
                    "%s: this configuration has not been checked against the live site (verified = false "
                    "in %s): read the fetch log of this run before trusting what it found",
                    config.name, config.source)
            found = discover_task(config, fetcher, max_pages, StoredPageCache(engine, config.name, raw_root))
            pages = found.pages
            for failure in found.failures:
                record_page_failure(run, failure)
            if not pages:  # the site is down or moved: the nightly run must show as failed
                raise CrawlError(f"{config.name}: no page could be read: "
                                 + "; ".join(f"{e.url}: {e.reason}" for e in found.failures))
            futures = {fetch_attachment.submit(fetcher, att, load_known(engine, att.url).validators, workdir): att
                       for att in found.attachments.values()}
            try:
                # Settled in the order the portal lists them, not as fetches finish:
                # when one file is published under two URLs, which URL (and name)
                # the document keeps must not depend on network timing.
                for future, attachment in futures.items():
                    settle(run, attachment, future)
            except BaseException:
                for future in futures:  # queued fetches must not start once the crawl is ending
                    if isinstance(future, PrefectWrappedFuture):
                        future.wrapped_future.cancel()
                raise
            if scale_out:
                process_deferred(run, scale_out)
    except (TerminationSignal, KeyboardInterrupt):
        # Stopped from outside (SIGTERM, Ctrl-C): every document and fetch-log
        # row written so far is complete; the next run fetches the rest.
        with write_transaction(engine) as conn:
            close_crawl(conn, run.crawl_id, "interrupted", pages, now())
        raise
    except BaseException:
        with write_transaction(engine) as conn:
            close_crawl(conn, run.crawl_id, "failed", pages, now())
        raise
    with write_transaction(engine) as conn:
        counts = close_crawl(conn, run.crawl_id, "completed", pages, now())
    summary = {"crawl_run_id": run.crawl_id, "portal": config.name, "pages": pages,
               "pages_not_modified": found.not_modified, **counts}
    get_run_logger().info("crawl of %s: %s", config.name, summary)
    return summary


def record_page_failure(run: CrawlContext, error: FetchError) -> None:
    from disclosures.db.crawl import log_fetch
    from disclosures.db.engine import write_transaction

    with write_transaction(run.engine) as conn:
        log_fetch(conn, run.crawl_id, kind="page", url=error.url, redirects=error.redirects,
                  http_status=error.http_status,
                  outcome="disallowed" if error.reason == "disallowed" else "failed",
                  error=f"{error.reason}: {error.detail}", fetched_at=now())


def settle(run: CrawlContext, attachment: Attachment, future) -> str:
    """Decide what one fetched attachment means, process it if it is new bytes,
    and record the outcome. Never raises for the document's sake."""
    known = load_known(run.engine, attachment.url)
    try:
        fetched = future.result()
    except Exception as exc:  # a bug in fetching one URL must not end the crawl
        record(run, attachment, "failed", known, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    if isinstance(fetched, FetchError):
        outcome = "disallowed" if fetched.reason == "disallowed" else "failed"
        record(run, attachment, outcome, known, http_status=fetched.http_status,
               redirects=fetched.redirects, error=f"{fetched.reason}: {fetched.detail}")
        return outcome
    if fetched.not_modified or fetched.sha256 == known.sha256:
        record(run, attachment, "unchanged", known, fetched, sha256=known.sha256,
               document_id=known.document_id)
        return "unchanged"
    return settle_new_bytes(run, attachment, fetched, known)


Processor = Callable[[CrawlContext, Attachment, FileFetch], int | None]


def process_here(run: CrawlContext, attachment: Attachment, fetched: FileFetch) -> int | None:
    return process_attachment(str(fetched.path), run.db_url, attachment.url, run.raw_root)


def bytes_on_disk(fetched: FileFetch) -> tuple[Path, str]:
    """The file and sha256 of a fetch that brought bytes (not a 304)."""
    if fetched.path is None or fetched.sha256 is None:
        raise CrawlError(f"{fetched.url}: no bytes were fetched")
    return fetched.path, fetched.sha256


def settle_new_bytes(run: CrawlContext, attachment: Attachment, fetched: FileFetch, known: Known) -> str:
    """Store the bytes; process them now, or — when the crawl defers processing
    to Dask — queue them in ``run.deferred``."""
    from disclosures.db import rawstore
    from disclosures.db.crawl import current_document_id

    path, sha256 = bytes_on_disk(fetched)
    rawstore.put(path, sha256, run.raw_root)
    with run.engine.connect() as conn:
        document_id = current_document_id(conn, sha256)
    if document_id is None and run.deferred is not None:
        run.deferred.append(Pending(attachment, fetched, known))
        return "deferred"
    return settle_document(run, attachment, fetched, known, document_id, process_here)


def settle_document(run: CrawlContext, attachment: Attachment, fetched: FileFetch, known: Known,
                    document_id: int | None, process: Processor) -> str:
    """Record new bytes: already a document (``document_id``), or ``process``
    makes one, or the file is no disclosure (``not_a_disclosure``, the
    classification's reason in the log's ``error``)."""
    from disclosures.model.errors import BadInput, NotADisclosure

    outcome = "changed" if known.sha256 else "new"
    if document_id is None:
        try:
            document_id = process(run, attachment, fetched)
        except NotADisclosure as exc:
            # classified, not failed: kept with its reason, not fetched again until it changes
            record(run, attachment, "not_a_disclosure", known, fetched, sha256=fetched.sha256,
                   error=f"{exc.reason}: {exc.detail}")
            return "not_a_disclosure"
        except BadInput as exc:
            # The file's fault: keep its validators, so it is not fetched again until it changes.
            record(run, attachment, "failed", known, fetched, sha256=fetched.sha256, error=f"bad input: {exc}")
            return "failed"
        except Exception as exc:  # our fault: keep the old validators so the next crawl retries
            record(run, attachment, "failed", known, fetched, sha256=fetched.sha256,
                   error=f"{type(exc).__name__}: {exc}", keep_validators=False)
            return "failed"
    elif not known.sha256:
        outcome = "duplicate"
    record(run, attachment, outcome, known, fetched, sha256=fetched.sha256, document_id=document_id)
    return outcome


def process_deferred(run: CrawlContext, scale_out: ScaleOut) -> None:
    """Process the deferred files on Dask (each sha256 once), then settle each
    URL as the in-flow path would have: the first URL of some bytes gets the
    document (or its failure); a later one finds it stored (a duplicate), or
    shares the first one's failure."""
    from disclosures.db.crawl import current_document_id

    deferred = run.deferred or []
    first: dict[str, Pending] = {}
    for pending in deferred:
        first.setdefault(bytes_on_disk(pending.fetched)[1], pending)
    if not first:
        return
    files = [(sha, bytes_on_disk(p.fetched)[0].name, p.attachment.url) for sha, p in first.items()]
    with scale_out.worker_config():
        results = process_documents.with_options(task_runner=scale_out.task_runner())(
            files, run.db_url, run.raw_root)

    def processed(_run: CrawlContext, _attachment: Attachment, fetched: FileFetch) -> int | None:
        result = results[bytes_on_disk(fetched)[1]]
        if isinstance(result, Exception):
            raise result
        return result

    for pending in deferred:
        document_id = None
        sha256 = bytes_on_disk(pending.fetched)[1]
        if first[sha256] is not pending:
            with run.engine.connect() as conn:
                document_id = current_document_id(conn, sha256)
        settle_document(run, pending.attachment, pending.fetched, pending.known, document_id, processed)


def record(run: CrawlContext, attachment: Attachment, outcome: str, known: Known,
           fetched: FileFetch | None = None, *, sha256: str | None = None, document_id: int | None = None,
           http_status: int | None = None, redirects: Iterable[str] = (), error: str | None = None,
           keep_validators: bool = True) -> None:
    """One transaction: the URL's row (validators of the bytes now held), the
    fetch-log row, and — when re-published bytes replaced a document no other
    URL still publishes — the old document's records retired."""
    from disclosures.db.crawl import (
        log_fetch,
        other_urls_hold,
        retire_document,
        upsert_url,
    )
    from disclosures.db.engine import write_transaction

    at = now()
    values: dict[str, Any] = dict(portal=run.portal, link_text=attachment.link_text, page_url=attachment.page_url,
                  page_title=attachment.page_title, published=attachment.published,
                  organization=attachment.organization, last_checked=at, last_outcome=outcome)
    if fetched is not None:
        values.update(final_url=fetched.final_url, file_name=fetched.file_name)
        if keep_validators:
            values.update(etag=fetched.validators.etag, last_modified=fetched.validators.last_modified,
                          sha256=sha256, document_id=document_id)
    with write_transaction(run.engine) as conn:
        replaced = bool(keep_validators and sha256 and known.sha256 and known.sha256 != sha256
                        and known.document_id and not other_urls_hold(conn, known.sha256, attachment.url))
        upsert_url(conn, attachment.url, values, at)
        if replaced and known.document_id:
            retire_document(conn, known.document_id)
        log_fetch(conn, run.crawl_id, kind="attachment", url=attachment.url,
                  final_url=fetched.final_url if fetched else None,
                  redirects=list(fetched.redirects if fetched else redirects),
                  http_status=fetched.http_status if fetched else http_status, outcome=outcome,
                  bytes=fetched.size if fetched else None, sha256=sha256,
                  previous_sha256=known.sha256 if known.sha256 != sha256 else None,
                  document_id=document_id, error=error, fetched_at=at,
                  seconds=round(fetched.seconds, 3) if fetched else None)


# -- schedules -----------------------------------------------------------------
def build_deployments(portals_dir: Path = PORTALS_DIR, db_url: str | None = None,
                      raw_root: str | None = None) -> list:
    """One ``crawl_portal`` deployment per portal config with an enabled
    schedule: its cron in its timezone (default 02:00 Asia/Shanghai). Nothing
    is contacted; ``prefect.serve(*deployments)`` runs them (blocking).
    Configs not yet checked against their site (``verified = false``, as the
    generated city configs ship) are served too, tagged ``unverified``: a
    crawl is how they get checked, and each run logs the warning."""
    from prefect.schedules import Cron

    deployments = []
    for config in all_portals(portals_dir):
        if not config.schedule.enabled:
            continue
        parameters = {"portal": config.source, "db_url": db_url, "raw_root": raw_root}
        deployments.append(crawl_portal.to_deployment(
            name=f"crawl-{config.name}",
            schedule=Cron(config.schedule.cron, timezone=config.schedule.timezone),
            parameters={k: v for k, v in parameters.items() if v is not None},
            tags=["crawl", config.name, *([] if config.verified else ["unverified"])],
            description=config.title or None))
    return deployments
