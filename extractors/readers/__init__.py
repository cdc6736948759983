"""Format readers: a published file's bytes → the layout IR (``disclosures.model.layout``).

``read_document`` is the one entry point the pipeline uses: it hashes the bytes,
tells the format from the bytes themselves (a disclosure saved as ``.docx`` may be
a PDF, an HTML error page or a password-protected Word file; the name is not
trusted) and hands the file to the matching reader. Readers know file formats and
nothing about budgets.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from disclosures.model.errors import BadInput
from disclosures.model.layout import Document

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or an empty archive
PDF_MAGIC = b"%PDF-"
SNIFF_WINDOW = 1024  # bytes looked at for text signatures (PDF header, HTML tags)
HTML_SIGNATURES = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
# What ``sniff_format`` calls a document (a file a reader, or the bundle
# unpacker, takes up — or refuses with a reason of its own, as an encrypted
# one); the rest (HTML, XML, empty, unknown) is no document at all. The
# crawler's download check uses it on a file's first ``SNIFF_WINDOW`` bytes.
DOCUMENT_FORMATS = frozenset({"pdf", "docx", "xlsx", "zip", "doc", "xls", "ole", "encrypted-ooxml"})

# What a non-PDF/DOCX format is called in the one-line error.
FORMAT_DESCRIPTIONS = {
    "pdf": "a PDF",
    "html": "HTML",
    "doc": "a legacy Word .doc (OLE compound file)",
    "xls": "a legacy Excel .xls (OLE compound file)",
    "ole": "an OLE compound file",
    "xlsx": "an Excel .xlsx",
    "zip": "a zip archive that is not a Word document",
    "xml": "XML",
    "unknown": "an unknown format",
}


def _ole_stream_names_present(data: bytes, *names: str) -> bool:
    """OLE directory entries store stream names in UTF-16LE; finding the encoded name
    is enough to tell the streams apart without an OLE parser."""
    return any(name.encode("utf-16-le") in data for name in names)


def _zip_member_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return None


def sniff_format(data: bytes) -> str:
    """The format of a file, from its bytes.

    Returns ``"pdf"``, ``"docx"``, ``"empty"``, ``"encrypted-ooxml"`` (what Word writes
    for a password-protected .docx: an OLE file holding an ``EncryptedPackage``
    stream), ``"doc"``, ``"xls"``, ``"ole"``, ``"xlsx"``, ``"zip"``, ``"html"``,
    ``"xml"`` or ``"unknown"``. A zip whose central directory is unreadable (a
    truncated download) is still ``"docx"`` when its local headers name
    ``word/`` parts, so the DOCX reader can report it as truncated.
    """
    if not data:
        return "empty"
    head = data[:SNIFF_WINDOW]
    if data.startswith(OLE_MAGIC):
        if _ole_stream_names_present(data, "EncryptedPackage", "EncryptionInfo"):
            return "encrypted-ooxml"
        if _ole_stream_names_present(data, "WordDocument"):
            return "doc"
        if _ole_stream_names_present(data, "Workbook", "Book"):
            return "xls"
        return "ole"
    if data.startswith(ZIP_MAGICS):
        names = _zip_member_names(data)
        if names is None:
            return "docx" if b"word/" in data else "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if PDF_MAGIC in head:  # some producers put junk before the header; PDF readers accept it
        return "pdf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(sig in text for sig in HTML_SIGNATURES):
        return "html"
    if text.startswith(b"<?xml"):
        return "xml"
    return "unknown"


def describe_format(kind: str) -> str:
    return FORMAT_DESCRIPTIONS.get(kind, kind)


def read_document(path: Path, source_url: str | None = None) -> Document:
    """Read a PDF, DOCX, XLSX or legacy DOC/XLS into the layout IR, choosing the
    reader from the bytes.

    Raises ``BadInput`` (one line naming the file) when the file is empty, encrypted,
    unreadable, an image-only PDF without OCR installed, a zip bundle (unpacked and
    processed member by member instead), or of another format.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    sha256 = hashlib.sha256(data).hexdigest()
    kind = sniff_format(data)
    if kind == "docx":
        from disclosures.extractors.readers.docx import read_docx

        return read_docx(path, sha256=sha256, source_url=source_url)
    if kind == "pdf":
        from disclosures.extractors.readers.ocr import refuse_scan_without_ocr
        from disclosures.extractors.readers.pdf import read_pdf

        refuse_scan_without_ocr(path)
        return read_pdf(path, sha256=sha256, source_url=source_url)
    if kind == "xlsx":
        from disclosures.extractors.readers.xlsx import read_xlsx

        return read_xlsx(path, sha256=sha256, source_url=source_url)
    if kind in ("doc", "xls"):
        from disclosures.extractors.readers.convert import read_legacy

        return read_legacy(path, kind, sha256=sha256, source_url=source_url)
    if kind == "zip":
        raise BadInput(f"{path.name}: is a .zip bundle; unpack it (extractors.readers.bundle.read_bundle) "
                       f"and process each file in it with `disclosures extract`")
    if kind == "empty":
        raise BadInput(f"{path.name}: empty file (0 bytes)")
    if kind == "encrypted-ooxml":
        raise BadInput(f"{path.name}: encrypted (password-protected Office file)")
    raise BadInput(f"{path.name}: is not a PDF or DOCX (looks like {describe_format(kind)})")
