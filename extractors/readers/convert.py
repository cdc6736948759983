"""Legacy Office files (.doc, .xls) → .docx / .xlsx with LibreOffice, then the
DOCX / XLSX reader.

Many portals still publish Word 97–2003 and Excel 97–2003 files. No maintained
Python library reads their tables with merges, so LibreOffice (``soffice
--headless --convert-to``) rewrites them as OOXML in a temporary directory and
the regular reader reads that. The result keeps the original file's identity
(name, sha256, ``format="doc"``/``"xls"``), and every block's extractor records
the conversion (``doc→docx:docx``), so provenance says the text went through
LibreOffice.

Each conversion gets its own LibreOffice profile (``-env:UserInstallation``):
two soffice processes sharing the default profile wait on each other's lock or
exit without converting, which parallel flow runs would hit.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from disclosures.model.errors import BadInput
from disclosures.model.layout import Document, ReaderNote
from disclosures.model.vocabulary import FileFormat

# legacy kind → (OOXML extension LibreOffice writes, file type named in messages, import filter)
TARGETS = {"doc": ("docx", "Word .doc", "MS Word 97"), "xls": ("xlsx", "Excel .xls", "MS Excel 97")}


@dataclass(frozen=True)
class ConvertSettings:
    timeout_s: float = 120.0  # a first start creates the profile (~5 s); big files take longer
    binaries: tuple[str, ...] = ("soffice", "libreoffice")


def find_soffice(settings: ConvertSettings) -> str | None:
    return next((found for name in settings.binaries if (found := shutil.which(name))), None)


def run_killable(cmd: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run ``cmd`` in its own process group and kill the whole group on timeout:
    ``soffice`` is a shell script whose ``soffice.bin`` child would outlive it."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert_file(source: Path, kind: str, workdir: Path, settings: ConvertSettings) -> Path:
    """``source`` (a legacy ``kind`` file) converted into ``workdir``; the converted path."""
    target_ext, label, import_filter = TARGETS[kind]
    soffice = find_soffice(settings)
    if soffice is None:
        raise BadInput(f"{source.name}: is a legacy {label}; converting it needs LibreOffice (soffice), "
                       f"which is not installed")
    # The import filter is forced: a .doc the Word filter cannot parse is otherwise
    # imported as plain text, and its binary garbage would come out as a paragraph.
    # A fixed ASCII name, too: the published name may say .docx for a .doc.
    staged = workdir / f"input.{kind}"
    shutil.copyfile(source, staged)
    outdir = workdir / "out"
    cmd = [soffice, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless",
           "--norestore", "--nolockcheck", f"--infilter={import_filter}", "--convert-to", target_ext,
           "--outdir", str(outdir), str(staged)]
    try:
        result = run_killable(cmd, settings.timeout_s)
    except subprocess.TimeoutExpired as exc:
        raise BadInput(f"{source.name}: LibreOffice did not convert this {label} within "
                       f"{settings.timeout_s:.0f} s") from exc
    converted = outdir / f"input.{target_ext}"
    if result.returncode != 0 or not converted.exists():
        detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
        raise BadInput(f"{source.name}: LibreOffice could not convert this {label} "
                       f"(exit {result.returncode}{': ' + detail[-1] if detail else ''})")
    return converted


def read_converted(path: Path, kind: str) -> Document:
    if kind == "doc":
        from disclosures.extractors.readers.docx import read_docx

        return read_docx(path)
    from disclosures.extractors.readers.xlsx import read_xlsx

    return read_xlsx(path)


def read_legacy(path: Path, kind: str, sha256: str | None = None, source_url: str | None = None,
                settings: ConvertSettings | None = None) -> Document:
    """Read a legacy .doc or .xls (``kind``) through a LibreOffice conversion; the
    Document names the original file and format, its blocks the conversion."""
    path = Path(path)
    if kind not in TARGETS:
        raise ValueError(f"read_legacy: kind must be one of {sorted(TARGETS)}, not {kind!r}")
    settings = settings or ConvertSettings()
    with tempfile.TemporaryDirectory(prefix="disclosures-soffice-") as tmp:
        converted = convert_file(path, kind, Path(tmp), settings)
        try:
            doc = read_converted(converted, kind)
        except BadInput as exc:  # the message names the temporary file: name the original
            raise BadInput(str(exc).replace(converted.name, path.name, 1)) from exc
    target_ext = TARGETS[kind][0]
    for block in doc.blocks:
        block.extractor = f"{kind}→{target_ext}:{block.extractor}"
    doc.format, doc.file_name, doc.source_url = cast(FileFormat, kind), path.name, source_url  # a TARGETS key
    doc.sha256 = sha256 or hashlib.sha256(path.read_bytes()).hexdigest()
    doc.notes.insert(0, ReaderNote("file.converted", "info",
                                   f"legacy .{kind} converted to .{target_ext} with LibreOffice before reading"))
    return doc
