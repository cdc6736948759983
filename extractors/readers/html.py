"""Web pages (HTML) → the layout IR: the page's title and its blocks of text.

A crawler that takes an article page for its attachment saves the page itself
under the attachment's name: 204 of the 205 files of one city folder of the
2026 city crawl are HTML saved as ``….pdf`` — landing pages that link to the
disclosure (``详见附件``, ``附件下载``), list pages, and one page that prints
the whole 情况说明 inline. Such a page is read only to tell what it is
(``flows.pipeline.read_classified``); nothing is extracted from HTML.

The ``<title>`` comes first (style ``Title``), then every innermost block
element's text in document order (``h1``–``h6`` styled ``Heading N``);
scripts, styles and comments are dropped. A table row is one paragraph, its
cells joined by `` | ``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import lxml.etree
import lxml.html
from disclosures.model.errors import BadInput
from disclosures.model.layout import Document, Paragraph

EXTRACTOR = "html"
BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "dt", "dd",
                        "section", "article", "header", "footer", "blockquote", "pre", "caption"})
DROPPED_TAGS = ("script", "style", "noscript", "template")
_SPACE_RE = re.compile(r"\s+")


def clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def element_text(element) -> str:
    if element.tag == "tr":
        return " | ".join(t for t in (clean(c.text_content()) for c in element if isinstance(c.tag, str)) if t)
    return clean(element.text_content())


def is_innermost_block(element) -> bool:
    return element.tag in BLOCK_TAGS and not any(
        isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in element.iterdescendants())


def parse(data: bytes, name: str):
    try:
        root = lxml.html.fromstring(data)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise BadInput(f"{name}: unreadable web page ({exc})") from exc
    for element in list(root.iter(*DROPPED_TAGS)):
        element.drop_tree()
    return root


def html_to_paragraphs(root) -> list[Paragraph]:
    texts: list[tuple[str, str | None]] = []
    title = root.find(".//title")
    if title is not None and clean(title.text_content()):
        texts.append((clean(title.text_content()), "Title"))
    for element in root.iter():
        if isinstance(element.tag, str) and is_innermost_block(element):
            text = element_text(element)
            if text:
                style = f"Heading {element.tag[1]}" if re.fullmatch(r"h[1-6]", element.tag) else None
                texts.append((text, style))
    return [Paragraph(index=i, text=text, style=style, extractor=EXTRACTOR)
            for i, (text, style) in enumerate(texts)]


def read_html(path: Path, sha256: str | None = None, source_url: str | None = None) -> Document:
    """Read a saved web page into paragraphs (no pages, no tables)."""
    path = Path(path)
    data = path.read_bytes()
    root = parse(data, path.name)
    return Document(blocks=list(html_to_paragraphs(root)), format="html", file_name=path.name,
                    sha256=sha256 or hashlib.sha256(data).hexdigest(), source_url=source_url)
