"""Polite HTTP fetching of listing pages and attachments (httpx).

What government portals need (see shared/PORTALS.md):

- **Politeness**: robots.txt is obeyed as RFC 9309 reads it (``protego``,
  the parser Scrapy uses: wildcards, ``$``, longest match wins): a 4xx
  robots.txt (none, as on most small government portals) allows everything,
  a 5xx or unreachable one disallows the whole host for the crawl (§2.3.1.4)
  and every refusal says why. The User-Agent names the project and a
  contact, and each host gets at most ``per_host_concurrency`` requests in
  flight with ``delay_seconds`` between request starts — these are small
  servers.
- **Flaky servers**: 5xx, 429, timeouts and dropped connections are retried
  with exponential backoff and jitter; a ``Retry-After`` (seconds or an
  HTTP-date) on a 429/503 pauses the whole host that long, and one asking for
  more than ``max_retry_after_seconds`` is not retried in this crawl; 4xx (a
  404) is an answer, not retried.
- **Redirects** (site migrations to a new domain) are followed hop by hop, so
  each hop is checked against robots.txt, paced, and recorded.
- **Attachments** are streamed to disk with a size cap; the bytes decide the
  format (``extractors.readers.sniff_format``, the one sniffer the readers
  use too), because portals answer a missing file with an HTML "page not
  found" and status 200, and download handlers (``downfile.jsp?…``) give no
  extension at all.
- **Conditional requests**: the stored ETag / Last-Modified go out as
  If-None-Match / If-Modified-Since, so an unchanged file — or list page —
  is answered 304 and not downloaded again.
- **File names**: Content-Disposition ``filename*``/``filename``, else the
  URL's last segment; percent-encoded names are UTF-8 or, on older sites, GBK.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import httpx
from disclosures.extractors.readers import (
    DOCUMENT_FORMATS,
    describe_format,
    sniff_format,
)
from disclosures.model.errors import Failure
from protego import Protego

CONTACT_ENV = "DISCLOSURES_CONTACT"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Retried: the server is overloaded or restarting, the answer may differ next time.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Retry-After is defined for these (RFC 9110 §10.2.3, RFC 6585 §4).
RETRY_AFTER_STATUSES = frozenset({429, 503})
HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
# Bytes enough to tell a document from an HTML error page (PDF readers accept
# up to 1 KiB of junk before the header).
SNIFF_HEAD_BYTES = 1024
# Formats a download may end in; the sniffer's vaguer answers ("ole", an
# encrypted Office file) keep the extension the server or the link gave.
CONCRETE_FORMATS = frozenset({"pdf", "docx", "xlsx", "zip", "doc", "xls"})


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
    # The backoff is multiplied by a random factor in [1 - jitter, 1 + jitter],
    # so threads (and crawlers) that failed together do not retry together.
    backoff_jitter: float = 0.5
    # A Retry-After longer than this is not waited for: the URL fails for this
    # crawl (the server asked for a pause; the next night's crawl tries again).
    max_retry_after_seconds: float = 120.0
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

    def updated_by(self, response: httpx.Response) -> Validators:
        """The validators after ``response``: a 304 may repeat them or not (RFC 9110 §15.4.5)."""
        return Validators(response.headers.get("etag") or self.etag,
                          response.headers.get("last-modified") or self.last_modified)


@dataclass(frozen=True)
class CachedPage:
    """A page as an earlier crawl read it: its validators and its bytes."""

    validators: Validators
    body: bytes
    content_type: str | None = None


@dataclass
class Page:
    url: str
    final_url: str
    redirects: list[str]
    http_status: int
    text: str
    body: bytes = b""
    content_type: str | None = None
    validators: Validators = Validators()
    # 304: ``text`` and ``body`` are the cached copy's, the server sent none.
    not_modified: bool = False


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


@dataclass(frozen=True)
class RobotsRules:
    """One host's robots.txt as RFC 9309 reads it; ``reason`` says how it was read."""

    parser: Protego | None = None
    disallow_all: bool = False
    reason: str = ""

    def allows(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(url, user_agent)


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

    def pause(self, seconds: float) -> None:
        """No request to this host starts within ``seconds`` from now (a Retry-After)."""
        with self._lock:
            self._next_start = max(self._next_start, time.monotonic() + seconds)


class Fetcher:
    """One crawl's HTTP client: shared by its threads, one gate and robots.txt per host."""

    def __init__(self, settings: FetchSettings | None = None, transport: httpx.BaseTransport | None = None):
        self.settings = settings or FetchSettings()
        self.client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent},
            timeout=httpx.Timeout(self.settings.timeout_seconds),
            follow_redirects=False, transport=transport)
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._lock = threading.Lock()
        self._robots_lock = threading.Lock()
        self._random = random.Random()

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

    def refusal(self, url: str) -> str | None:
        """Why robots.txt refuses ``url``, or None when it may be fetched."""
        if not self.settings.respect_robots:
            return None
        rules = self.robots_for(url)
        if rules.allows(url, self.settings.user_agent):
            return None
        return rules.reason if rules.disallow_all else f"robots.txt disallows {url}"

    def robots_for(self, url: str) -> RobotsRules:
        """The host's robots.txt, fetched once per crawl (threads wait for the first)."""
        host = host_of(url)
        with self._robots_lock:
            if host not in self._robots:
                self._robots[host] = self.load_robots(host)
            return self._robots[host]

    def load_robots(self, host: str) -> RobotsRules:
        """RFC 9309 §2.3.1: a robots.txt answered 4xx (there is none) allows
        everything; one answered 5xx, or not at all, disallows the whole host —
        for this crawl, the next one asks again."""
        robots_url = f"{host}/robots.txt"
        try:
            response, _, _ = self.request(robots_url, {}, check_robots=False)
            with closing(response):
                body = read_capped(response, self.settings.max_page_bytes, robots_url,
                                   time.monotonic() + self.settings.download_seconds)
        except FetchError as exc:
            return robots_failure_to_rules(robots_url, exc)
        text = decode_html(body, response.headers.get("content-type"))
        return RobotsRules(Protego.parse(text), reason=f"{robots_url} read")

    # -- requests ---------------------------------------------------------
    def request(self, url: str, headers: dict[str, str], check_robots: bool = True
                ) -> tuple[httpx.Response, str, list[str]]:
        """GET ``url`` following redirects by hand: an open streaming response
        (caller closes it), the final URL and the URLs redirected from."""
        redirects: list[str] = []
        current = url
        for _ in range(self.settings.max_redirects + 1):
            refusal = self.refusal(current) if check_robots else None
            if refusal:
                raise FetchError(url, "disallowed", refusal, redirects=redirects)
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
                wait = self.retry_after(response, url, redirects)
                if wait is not None:
                    self.gate(url).pause(wait)  # the host asked for a pause, not only this URL
                    continue
            time.sleep(self.backoff(attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def retry_after(self, response: httpx.Response, url: str, redirects: list[str]) -> float | None:
        """The pause a 429/503 asks for; raises when it is longer than the cap."""
        if response.status_code not in RETRY_AFTER_STATUSES:
            return None
        wait = retry_after_seconds(response.headers.get("retry-after"), datetime.now(UTC))
        cap = self.settings.max_retry_after_seconds
        if wait is not None and wait > cap:
            raise FetchError(url, f"http_{response.status_code}",
                             f"HTTP {response.status_code} with Retry-After {wait:g} s, over "
                             f"max_retry_after_seconds ({cap:g}): not asked again in this crawl",
                             http_status=response.status_code, redirects=redirects)
        return wait

    def backoff(self, attempt: int) -> float:
        jitter = self.settings.backoff_jitter
        return self.settings.backoff_seconds * 2 ** attempt * self._random.uniform(1 - jitter, 1 + jitter)

    def get_page(self, url: str, cached: CachedPage | None = None) -> Page:
        """A list or article page; with ``cached``, a conditional request whose
        304 answer gives the cached copy back."""
        validators = cached.validators if cached else Validators()
        response, final_url, redirects = self.request(url, validators.headers())
        with closing(response):
            if response.status_code == 304 and cached is not None:
                body, content_type, not_modified = cached.body, cached.content_type, True
            else:
                body = read_capped(response, self.settings.max_page_bytes, url,
                                   time.monotonic() + self.settings.download_seconds)
                content_type, not_modified = response.headers.get("content-type"), False
                validators = Validators()
        return Page(url, final_url, redirects, response.status_code, decode_html(body, content_type), body,
                    content_type, validators.updated_by(response), not_modified)

    def get_file(self, url: str, validators: Validators, workdir: Path, link_text: str | None = None) -> FileFetch:
        """Fetch an attachment into ``workdir``; 304 when ``validators`` still hold."""
        t0 = time.monotonic()
        response, final_url, redirects = self.request(url, validators.headers())
        with closing(response):
            if response.status_code == 304:
                return FileFetch(url, final_url, redirects, 304, True, validators.updated_by(response),
                                 seconds=time.monotonic() - t0)
            fresh = Validators().updated_by(response)
            try:
                tmp, sha256, size = stream_to_file(response, workdir, self.settings, url,
                                                   t0 + self.settings.download_seconds)
            except FetchError as exc:
                exc.http_status, exc.redirects = response.status_code, redirects
                raise
        name = resolve_file_name(response, final_url, link_text)
        fmt = file_format(tmp, name)
        name = safe_name(f"{strip_extension(name)}.{fmt}")
        target = workdir / sha256[:16] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        return FileFetch(url, final_url, redirects, response.status_code, False, fresh, target, sha256, size,
                         name, fmt, time.monotonic() - t0)


def robots_failure_to_rules(robots_url: str, error: FetchError) -> RobotsRules:
    """RFC 9309 §2.3.1.3–4: "unavailable" (4xx, or a redirect loop) allows
    everything; "unreachable" (5xx, timeouts, refused connections) disallows
    everything, and the reason goes with every refusal into the fetch log."""
    status = error.http_status
    if error.reason == "too_many_redirects" or (status is not None and 400 <= status < 500):
        return RobotsRules(reason=f"{robots_url} unavailable ({error.reason}): everything allowed")
    return RobotsRules(disallow_all=True,
                       reason=f"{robots_url} unreachable ({error.reason}: {error.detail}): the host is "
                              "disallowed for this crawl (RFC 9309 §2.3.1.4)")


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header in seconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


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
                   deadline: float) -> tuple[Path, str, int]:
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
                    if len(head) >= SNIFF_HEAD_BYTES:
                        require_document(head, response, url)
                        sniffed = True
                digest.update(chunk)
                out.write(chunk)
        if not sniffed:
            require_document(head, response, url)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name), digest.hexdigest(), size


def require_document(head: bytes, response: httpx.Response, url: str) -> None:
    """The first bytes must be a document's: a portal's "page not found" HTML
    served with status 200 ends the download here."""
    kind = sniff_format(head[:SNIFF_HEAD_BYTES])
    if kind not in DOCUMENT_FORMATS:
        snippet = head[:60].decode("utf-8", "replace").strip().replace("\n", " ")
        raise FetchError(url, "not_a_document",
                         f"{response.headers.get('content-type', 'no content-type')} body "
                         f"starting {snippet!r} is not a PDF, Office or zip file "
                         f"(looks like {describe_format(kind)})")


def file_format(path: Path, name: str) -> str:
    """The downloaded file's format from all its bytes (a zip's members tell
    docx from xlsx from a bundle; an OLE directory names its main stream);
    where the bytes leave it open, the extension the server or link gave."""
    kind = sniff_format(path.read_bytes())
    if kind in CONCRETE_FORMATS:
        return kind
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return ext if ext in KNOWN_EXTENSIONS else kind


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


def query_file_name(url: str) -> str | None:
    """A file name carried in the query of a download handler:
    ``downfile.jsp?filename=P0202509….pdf``, ``getFile?path=/upload/预算.xls``."""
    for part in urlsplit(url).query.split("&"):
        name = decode_percent(part.partition("=")[2].replace("+", " ")).rsplit("/", 1)[-1]
        if name.rpartition(".")[2].lower() in KNOWN_EXTENSIONS and name.rpartition(".")[0]:
            return name
    return None


def safe_name(name: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return name[:180] or "attachment"


def strip_extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return stem if dot and ext.lower() in KNOWN_EXTENSIONS else name


def resolve_file_name(response: httpx.Response, final_url: str, link_text: str | None) -> str:
    """The human file name, as the server or the link gave it.

    TRS portals name files ``P0202509….pdf`` and put the human name only in the
    link text, so link text beats the URL; Content-Disposition beats both (a
    download handler's URL names no file at all); a handler's query may."""
    raw_cd = next((v for k, v in response.headers.raw if k.lower() == b"content-disposition"), None)
    text = (link_text or "").strip()
    return (content_disposition_name(raw_cd) or ("" if GENERIC_LINK_TEXT.match(text) else text)
            or query_file_name(final_url) or url_file_name(final_url))


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
