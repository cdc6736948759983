"""Polite HTTP fetching of listing pages and attachments (httpx).

What government portals need (see shared/PORTALS.md):

- **Politeness**: robots.txt is obeyed (``urllib.robotparser``), the
  User-Agent names the project and a contact, and each host gets at most
  ``per_host_concurrency`` requests in flight with ``delay_seconds`` between
  request starts — these are small servers.
- **Flaky servers**: 5xx, 429, timeouts and dropped connections are retried
  with exponential backoff; 4xx (a 404) is an answer, not retried.
- **Redirects** (site migrations to a new domain) are followed hop by hop, so
  each hop is checked against robots.txt, paced, and recorded.
- **Attachments** are streamed to disk with a size cap; the first bytes decide
  the format (``%PDF-``, zip → docx/xlsx/zip, OLE → doc/xls), because portals
  answer a missing file with an HTML "page not found" and status 200.
- **Conditional requests**: the stored ETag / Last-Modified go out as
  If-None-Match / If-Modified-Since, so an unchanged file is answered 304 and
  not downloaded again.
- **File names**: Content-Disposition ``filename*``/``filename``, else the
  URL's last segment; percent-encoded names are UTF-8 or, on older sites, GBK.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
import urllib.robotparser
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import httpx
from disclosures.model.errors import Failure

CONTACT_ENV = "DISCLOSURES_CONTACT"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Retried: the server is overloaded or restarting, the answer may differ next time.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# PDF readers accept up to 1 KiB of junk before the header; some portals' CMSs
# prepend a BOM or whitespace.
PDF_HEADER_WINDOW = 1024


def default_user_agent() -> str:
    # flows.pipeline holds the same version, but importing it loads every reader.
    try:
        project_version = version("disclosures")
    except PackageNotFoundError:
        project_version = "0+unknown"
    contact = os.environ.get(CONTACT_ENV, "set $DISCLOSURES_CONTACT")
    return f"disclosures/{project_version} (budget-disclosure research crawler; contact: {contact})"


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = field(default_factory=default_user_agent)
    delay_seconds: float = 1.5
    per_host_concurrency: int = 1
    timeout_seconds: float = 30.0
    # A whole download may take longer than one read; this bounds a trickling server.
    download_seconds: float = 600.0
    retries: int = 3
    backoff_seconds: float = 2.0
    max_bytes: int = 200 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    respect_robots: bool = True

    def with_overrides(self, **values) -> FetchSettings:
        return replace(self, **{k: v for k, v in values.items() if v is not None})


class FetchError(Failure):
    """A URL could not be fetched as wanted; ``reason`` is a short code for the fetch log."""

    def __init__(self, url: str, reason: str, detail: str, http_status: int | None = None,
                 redirects: list[str] | None = None):
        super().__init__(f"{url}: {reason}: {detail}")
        self.url, self.reason, self.detail = url, reason, detail
        self.http_status, self.redirects = http_status, redirects or []


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class Page:
    url: str
    final_url: str
    redirects: list[str]
    http_status: int
    text: str


@dataclass
class FileFetch:
    """One attachment request: either 304 (``not_modified``) or bytes on disk."""

    url: str
    final_url: str
    redirects: list[str]
    http_status: int
    not_modified: bool
    validators: Validators
    path: Path | None = None
    sha256: str | None = None
    size: int | None = None
    file_name: str | None = None
    format: str | None = None
    seconds: float = 0.0


class HostGate:
    """Per-host politeness: at most ``concurrency`` requests in flight, and
    each request starts at least ``delay`` seconds after the previous one
    started *and* after the last answer (or timeout) arrived.

    Counting from the answer too keeps the server-side gap at ``delay`` even
    when this process is busy (a PDF being parsed holds the GIL, so a request
    can leave late and its successor on time)."""

    def __init__(self, concurrency: int, delay: float):
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._next_start = 0.0
        self._delay = delay

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self._delay
            if start > now:
                time.sleep(start - now)
            try:
                yield
            finally:
                with self._lock:
                    self._next_start = max(self._next_start, time.monotonic() + self._delay)


class Fetcher:
    """One crawl's HTTP client: shared by its threads, one gate and robots.txt per host."""

    def __init__(self, settings: FetchSettings | None = None, transport: httpx.BaseTransport | None = None):
        self.settings = settings or FetchSettings()
        self.client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent},
            timeout=httpx.Timeout(self.settings.timeout_seconds),
            follow_redirects=False, transport=transport)
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._lock = threading.Lock()
        self._robots_lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    # -- politeness -------------------------------------------------------
    def gate(self, url: str) -> HostGate:
        host = host_of(url)
        with self._lock:
            if host not in self._gates:
                self._gates[host] = HostGate(self.settings.per_host_concurrency, self.settings.delay_seconds)
            return self._gates[host]

    def allowed(self, url: str) -> bool:
        if not self.settings.respect_robots:
            return True
        return self.robots_for(url).can_fetch(self.settings.user_agent, url)

    def robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        """The host's robots.txt, fetched once per crawl (threads wait for the first)."""
        host = host_of(url)
        with self._robots_lock:
            if host not in self._robots:
                self._robots[host] = self.load_robots(host)
            return self._robots[host]

    def load_robots(self, host: str) -> urllib.robotparser.RobotFileParser:
        """RFC 9309: a missing robots.txt (4xx) allows everything; one that
        cannot be read (5xx, network) disallows everything for this crawl."""
        robots_url = f"{host}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            response, _, _ = self.request(robots_url, {}, check_robots=False)
        except FetchError as exc:
            # the attribute RobotFileParser.read() sets itself (not in typeshed)
            parser.disallow_all = exc.http_status is None or exc.http_status >= 500  # type: ignore[attr-defined]
            return parser
        with closing(response):
            body = read_capped(response, self.settings.max_page_bytes, robots_url,
                               time.monotonic() + self.settings.download_seconds)
        parser.parse(decode_html(body, response.headers.get("content-type")).splitlines())
        return parser

    # -- requests ---------------------------------------------------------
    def request(self, url: str, headers: dict[str, str], check_robots: bool = True
                ) -> tuple[httpx.Response, str, list[str]]:
        """GET ``url`` following redirects by hand: an open streaming response
        (caller closes it), the final URL and the URLs redirected from."""
        redirects: list[str] = []
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if check_robots and not self.allowed(current):
                raise FetchError(url, "disallowed", f"robots.txt disallows {current}", redirects=redirects)
            response = self.send_with_retries(current, headers, redirects)
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                response.close()
                redirects.append(current)
                current = urljoin(current, location)
                continue
            if response.status_code >= 400:
                response.close()
                raise FetchError(url, f"http_{response.status_code}", f"HTTP {response.status_code} at {current}",
                                 http_status=response.status_code, redirects=redirects)
            return response, current, redirects
        raise FetchError(url, "too_many_redirects", f"more than {self.settings.max_redirects} redirects",
                         redirects=redirects)

    def send_with_retries(self, url: str, headers: dict[str, str], redirects: list[str]) -> httpx.Response:
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                with self.gate(url).slot():
                    response = self.client.send(self.client.build_request("GET", url, headers=headers),
                                                stream=True)
            except httpx.TimeoutException as exc:
                if last:
                    raise FetchError(url, "timeout", f"no answer within {self.settings.timeout_seconds:g} s "
                                     f"({attempts} attempts)", redirects=redirects) from exc
            except httpx.TransportError as exc:
                if last:
                    raise FetchError(url, "connection", f"{type(exc).__name__}: {exc} ({attempts} attempts)",
                                     redirects=redirects) from exc
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return response
                response.close()
            time.sleep(self.settings.backoff_seconds * 2 ** attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def get_page(self, url: str) -> Page:
        response, final_url, redirects = self.request(url, {})
        with closing(response):
            body = read_capped(response, self.settings.max_page_bytes, url,
                               time.monotonic() + self.settings.download_seconds)
        return Page(url, final_url, redirects, response.status_code,
                    decode_html(body, response.headers.get("content-type")))

    def get_file(self, url: str, validators: Validators, workdir: Path, link_text: str | None = None) -> FileFetch:
        """Fetch an attachment into ``workdir``; 304 when ``validators`` still hold."""
        t0 = time.monotonic()
        response, final_url, redirects = self.request(url, validators.headers())
        with closing(response):
            fresh = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
            if response.status_code == 304:
                kept = Validators(fresh.etag or validators.etag, fresh.last_modified or validators.last_modified)
                return FileFetch(url, final_url, redirects, 304, True, kept,
                                 seconds=time.monotonic() - t0)
            try:
                tmp, sha256, size, head = stream_to_file(response, workdir, self.settings, url,
                                                         t0 + self.settings.download_seconds)
            except FetchError as exc:
                exc.http_status, exc.redirects = response.status_code, redirects
                raise
        fmt = refine_format(head, tmp, final_url)
        name = resolve_file_name(response, final_url, link_text, fmt)
        target = workdir / sha256[:16] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        return FileFetch(url, final_url, redirects, response.status_code, False, fresh, target, sha256, size,
                         name, fmt, time.monotonic() - t0)


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def read_capped(response: httpx.Response, limit: int, url: str, deadline: float) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(url, "too_large", f"more than {limit} bytes", http_status=response.status_code)
        if time.monotonic() > deadline:
            raise FetchError(url, "timeout", "download took too long", http_status=response.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def stream_to_file(response: httpx.Response, workdir: Path, settings: FetchSettings, url: str,
                   deadline: float) -> tuple[Path, str, int, bytes]:
    """Stream the body to a temp file, hashing it; abort as soon as the first
    bytes show it is no document (HTML error page), or it grows too large."""
    workdir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=workdir, prefix=".download-")
    digest, size, head, sniffed = hashlib.sha256(), 0, b"", False
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FetchError(url, "too_large", f"more than {settings.max_bytes} bytes (aborted)")
                if time.monotonic() > deadline:
                    raise FetchError(url, "timeout", f"download took over {settings.download_seconds:g} s")
                if not sniffed:
                    head += chunk
                    if len(head) >= PDF_HEADER_WINDOW:
                        require_document(head, response, url)
                        sniffed = True
                digest.update(chunk)
                out.write(chunk)
        if not sniffed:
            require_document(head, response, url)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name), digest.hexdigest(), size, head[:PDF_HEADER_WINDOW]


def sniff_format(head: bytes) -> str | None:
    """'pdf', 'zip' (docx/xlsx/zip, refined later) or 'ole' (doc/xls) from the first bytes."""
    if b"%PDF-" in head[:PDF_HEADER_WINDOW]:
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    return None


def require_document(head: bytes, response: httpx.Response, url: str) -> None:
    if sniff_format(head) is None:
        snippet = head[:60].decode("utf-8", "replace").strip().replace("\n", " ")
        raise FetchError(url, "not_a_document",
                         f"{response.headers.get('content-type', 'no content-type')} body "
                         f"starting {snippet!r} is not a PDF, Office or zip file")


def refine_format(head: bytes, path: Path, url: str) -> str:
    """The file format: a zip's members tell docx from xlsx from a bundle; an
    OLE file's directory names its main stream (WordDocument vs Workbook)."""
    kind = sniff_format(head)
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if kind == "ole":
        data = path.read_bytes()
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return Path(urlsplit(url).path).suffix.lstrip(".").lower() or "ole"
    return kind or "unknown"


# -- names ------------------------------------------------------------------
def decode_percent(text: str) -> str:
    """Percent-decode a name: UTF-8 on most sites, GBK on older ones."""
    raw = unquote_to_bytes(text)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def decode_header_bytes(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def content_disposition_name(raw: bytes | None) -> str | None:
    """``filename*=UTF-8''…`` (RFC 6266) wins over ``filename="…"``; servers
    also send raw UTF-8 or GBK bytes, or percent-encoding, in ``filename``."""
    if not raw:
        return None
    header = decode_header_bytes(raw)
    star = re.search(r"filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)", header, re.I)
    if star:
        charset, value = star.group(1).lower(), star.group(2).strip().strip('"')
        try:
            return unquote_to_bytes(value).decode(charset)
        except (LookupError, UnicodeDecodeError):
            return decode_percent(value)
    plain = re.search(r'filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)', header, re.I)
    if plain:
        value = (plain.group(1) or plain.group(2) or "").strip()
        return decode_percent(value) if "%" in value else value or None
    return None


def url_file_name(url: str) -> str:
    return decode_percent(urlsplit(url).path.rsplit("/", 1)[-1])


def safe_name(name: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return name[:180] or "attachment"


def resolve_file_name(response: httpx.Response, final_url: str, link_text: str | None, fmt: str) -> str:
    """The human file name, with the extension of the sniffed format.

    TRS portals name files ``P0202509….pdf`` and put the human name only in the
    link text, so link text beats the URL; Content-Disposition beats both."""
    raw_cd = next((v for k, v in response.headers.raw if k.lower() == b"content-disposition"), None)
    text = (link_text or "").strip()
    name = content_disposition_name(raw_cd) or ("" if GENERIC_LINK_TEXT.match(text) else text) \
        or url_file_name(final_url)
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in KNOWN_EXTENSIONS:
        name = stem
    return safe_name(f"{name}.{fmt}")


# "点击下载", "附件1：下载附件", "查看全文": link texts that name no file.
GENERIC_LINK_TEXT = re.compile(
    r"^(附件\s*\d*\s*[:：]?)?\s*(点击)?(此处)?(下载|查看|打开|预览)?(附件|文件|全文|原文)?(下载)?$")
KNOWN_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "zip", "wps", "et", "rar"})


def decode_html(body: bytes, content_type: str | None) -> str:
    """Pages declare gb2312/gbk as often as utf-8, in the header or a <meta>;
    gb18030 is the superset that decodes both."""
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    if not charset:
        match = HTML_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii").lower() if match else None
    if charset in ("gb2312", "gbk", "gb18030"):
        charset = "gb18030"
    for encoding in (charset, "utf-8", "gb18030"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")
