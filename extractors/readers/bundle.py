"""Zip bundles: a portal's "附件下载" that packs a department's 决算 report, its
statement workbook and scans into one .zip. Each member is a document of its own;
this module only unpacks, safely.

Safety (a published archive is untrusted input): the central directory is checked
first — number of members, each member's and the total uncompressed size, the
compression ratio of large members — and then every member is counted again
while it is decompressed, because a hostile archive can declare small sizes and
inflate to far more. Member paths are never used as file system paths (no
``../`` escapes): each member is written as ``NNN/<basename>`` under the
destination directory.

Names: Chinese archivers (WinRAR, 2345好压, Windows' own) write member names in
GBK without setting the UTF-8 flag; ``zipfile`` then decodes them as cp437
(``╡Ñ╬╗╛÷╦π.pdf``). Such names are re-decoded as UTF-8 if valid, else GB18030.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from disclosures.model.errors import BadInput

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
JUNK_PARTS = ("__MACOSX",)
JUNK_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class BundleLimits:
    """What a disclosure bundle may hold; beyond this it is refused as a zip bomb or junk."""

    max_members: int = 200
    max_member_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_ratio: float = 100.0  # uncompressed / compressed; PDFs and Office files stay far below
    ratio_min_bytes: int = 1024 * 1024  # small members may compress well (a page of zeros) harmlessly
    chunk_bytes: int = 1024 * 1024


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it (see the module docstring on GBK)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def is_junk(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p in JUNK_PARTS for p in parts) or (bool(parts) and parts[-1] in JUNK_NAMES)


def wanted_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [i for i in archive.infolist() if not i.is_dir() and not is_junk(member_name(i))]


def check_directory(bundle: str, members: list[zipfile.ZipInfo], limits: BundleLimits) -> None:
    """Refuse by the central directory's own numbers, before inflating anything."""
    if len(members) > limits.max_members:
        raise BadInput(f"{bundle}: zip holds {len(members)} files (limit {limits.max_members})")
    total = 0
    for info in members:
        name = member_name(info)
        if info.flag_bits & ENCRYPTED_FLAG:
            raise BadInput(f"{bundle}: zip member {name} is encrypted (password required)")
        if info.file_size > limits.max_member_bytes:
            raise BadInput(f"{bundle}: zip member {name} inflates to {info.file_size} bytes "
                           f"(limit {limits.max_member_bytes})")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_min_bytes and ratio > limits.max_ratio:
            raise BadInput(f"{bundle}: zip member {name} has compression ratio {ratio:.0f} "
                           f"(limit {limits.max_ratio:.0f}; a zip bomb?)")
        total += info.file_size
    if total > limits.max_total_bytes:
        raise BadInput(f"{bundle}: zip inflates to {total} bytes (limit {limits.max_total_bytes})")


def safe_member_path(dest: Path, index: int, name: str) -> Path:
    """``NNN/<basename>`` under ``dest``: unique and inside it whatever the member path
    says, and the file keeps its own name (the document's ``file_name``)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if base in ("", ".", ".."):
        base = "member"
    folder = dest / f"{index:03d}"
    folder.mkdir()
    return folder / base


def extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, written: int,
                   bundle: str, limits: BundleLimits) -> int:
    """Copy one member to ``target`` counting bytes as they inflate; the new running total."""
    name = member_name(info)
    own = 0
    with archive.open(info) as src, target.open("wb") as dst:
        while chunk := src.read(limits.chunk_bytes):
            own += len(chunk)
            written += len(chunk)
            if own > max(info.file_size, 0) or own > limits.max_member_bytes:
                raise BadInput(f"{bundle}: zip member {name} inflates past its declared "
                               f"{info.file_size} bytes")
            if written > limits.max_total_bytes:
                raise BadInput(f"{bundle}: zip inflates past {limits.max_total_bytes} bytes")
            dst.write(chunk)
    return written


def read_bundle(path: Path, dest: Path | None = None, limits: BundleLimits | None = None
                ) -> list[tuple[str, Path]]:
    """Unpack a zip bundle into ``dest`` (a new temporary directory when None — the
    caller removes it; ``unpacked_bundle`` does that for you). Returns
    ``(member name as written in the archive, extracted path)`` per file, in archive
    order, without directories and OS junk (``__MACOSX/``, ``Thumbs.db``)."""
    path = Path(path)
    limits = limits or BundleLimits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadInput(f"{path.name}: unreadable zip archive ({exc})") from exc
    with archive:
        members = wanted_members(archive)
        check_directory(path.name, members, limits)
        if not members:
            raise BadInput(f"{path.name}: zip archive holds no files")
        own_dir = dest is None
        dest = Path(tempfile.mkdtemp(prefix="disclosures-bundle-")) if dest is None else Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        try:
            return extract_members(archive, members, dest, path.name, limits)
        except BadInput:
            if own_dir:
                shutil.rmtree(dest, ignore_errors=True)
            raise


def extract_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, bundle: str,
                    limits: BundleLimits) -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = []
    written = 0
    for index, info in enumerate(members):
        target = safe_member_path(dest, index, member_name(info))
        try:
            written = extract_member(archive, info, target, written, bundle, limits)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:  # CRC mismatch, truncated data
            raise BadInput(f"{bundle}: zip member {member_name(info)} is damaged ({exc})") from exc
        out.append((member_name(info), target))
    return out


@contextmanager
def unpacked_bundle(path: Path, limits: BundleLimits | None = None) -> Iterator[list[tuple[str, Path]]]:
    """``read_bundle`` into a temporary directory that is removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="disclosures-bundle-"))
    try:
        yield read_bundle(path, tmp, limits)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
