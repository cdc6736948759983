"""The version stored with every extraction run (``extraction_runs.pipeline_version``
and the export's ``document.pipeline_version``).

``<package version>+<digest>``: the digest is the first 12 hex digits of a
sha256 over the code and data that decide what an extraction holds — every
``.py`` and ``.csv`` file of ``model/``, ``extractors/``, ``normalizers/``
(with its vocabularies in ``normalizers/data/``) and ``checks/``, by path and
bytes. Any change to them gives a new version without a release, so rows
extracted by different code can be told apart (and re-extracted with
``disclosures reprocess``); a change elsewhere (the CLI, the database layer,
docs) keeps it. Computed once, at import (about half a megabyte: milliseconds).
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_PACKAGES = ("model", "extractors", "normalizers", "checks")
OUTPUT_SUFFIXES = (".py", ".csv")
DIGEST_CHARS = 12


def output_files(root: Path) -> list[Path]:
    """The files under ``root`` whose content decides an extraction, in a fixed order."""
    return sorted(p for package in OUTPUT_PACKAGES for p in (root / package).rglob("*")
                  if p.suffix in OUTPUT_SUFFIXES and p.is_file() and "__pycache__" not in p.parts)


def source_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in output_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:DIGEST_CHARS]


def package_version() -> str:
    try:
        return version("disclosures")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


def pipeline_version(root: Path = PACKAGE_ROOT) -> str:
    base = package_version()
    # a PEP 440 local label: after "+", or after a "." when the version has one already
    return f"{base}{'.' if '+' in base else '+'}{source_digest(root)}"
