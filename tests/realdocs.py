"""Real documents for the tests: a few committed, the broad corpus listed.

Two manifests name every real document a test reads:

- ``fixtures/real/MANIFEST.tsv``: the small set committed with the repository
  (file, sha256, bytes, family, source, notes), so a fresh clone tests real
  layouts;
- ``benchmarks/corpus/MANIFEST.tsv``: every corpus document the tests use
  (path under the corpus root, sha256, bytes, family, source). The corpus
  itself stays outside the repository, at ``$DISCLOSURES_CORPUS`` (default
  ``../shared/corpus``).

A test names its documents by file name and marks itself with ``needs(...)``
(or is parametrized with ``params(...)``, which marks each case). A document
is read from its committed copy when ``fixtures/real`` holds one (matched by
sha256), otherwise from the corpus. When the corpus folder is absent, the
root ``conftest.py`` skips the cases that need it with one counted reason;
cases come from the manifest, never from globbing a folder, so none vanish.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "real"
FIXTURES_MANIFEST = FIXTURES / "MANIFEST.tsv"
CORPUS_MANIFEST = REPO / "benchmarks" / "corpus" / "MANIFEST.tsv"
CORPUS_ENV = "DISCLOSURES_CORPUS"
MARK = "real_doc"


@dataclass(frozen=True)
class RealDoc:
    """One row of the corpus manifest."""

    path: str  # under the corpus root, with forward slashes
    sha256: str
    bytes: int
    family: str
    source: str

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


def corpus_root() -> Path:
    return Path(os.environ.get(CORPUS_ENV) or REPO.parent / "shared" / "corpus")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@cache
def corpus() -> tuple[RealDoc, ...]:
    """The corpus manifest, in its order."""
    return tuple(RealDoc(r["path"], r["sha256"], int(r["bytes"]), r["family"], r["source"])
                 for r in read_tsv(CORPUS_MANIFEST))


@cache
def committed() -> dict[str, Path]:
    """The committed copies by sha256."""
    return {r["sha256"]: FIXTURES / r["file"] for r in read_tsv(FIXTURES_MANIFEST)}


def doc(name: str) -> RealDoc:
    found = [d for d in corpus() if d.name == name]
    if len(found) != 1:
        raise LookupError(f"{name}: listed {len(found)} times in {CORPUS_MANIFEST.relative_to(REPO)}")
    return found[0]


def docs(*families: str) -> list[RealDoc]:
    """The manifest's documents of these families (all when none is named)."""
    return [d for d in corpus() if not families or d.family in families]


def location(d: RealDoc, *, copy_allowed: bool = True) -> Path | None:
    """Where the test reads ``d``: its committed copy, else the corpus (even if the
    file is missing there: a corpus that lacks a listed file fails the test), or
    ``None`` when the corpus folder is absent."""
    if copy_allowed and d.sha256 in committed():
        return committed()[d.sha256]
    root = corpus_root()
    return root / d.path if root.is_dir() else None


def path(name: str) -> Path:
    """The file to read for a test marked with ``needs(name)``."""
    found = location(doc(name))
    if found is None:
        raise LookupError(f"{name}: mark the test with realdocs.needs() so it skips without the corpus")
    return found


def needs(*names: str, copy_allowed: bool = True) -> pytest.MarkDecorator:
    """Mark a test as reading these documents (from a committed copy unless
    ``copy_allowed`` is false, as when the corpus itself is under test)."""
    for name in names:
        doc(name)  # a name missing from the manifest fails at collection
    return getattr(pytest.mark, MARK)(*names, copy_allowed=copy_allowed)


def params(documents: list[RealDoc], **kwargs) -> list:
    """One ``pytest.param(name)`` per document, each marked with what it needs."""
    return [pytest.param(d.name, id=d.name, marks=needs(d.name, **kwargs)) for d in documents]


def unavailable(item: pytest.Item) -> bool:
    """Whether a test needs a document that is neither committed nor in a present corpus."""
    for mark in item.iter_markers(MARK):
        copy_allowed = mark.kwargs.get("copy_allowed", True)
        if any(location(doc(n), copy_allowed=copy_allowed) is None for n in mark.args):
            return True
    return False


def absent_reason(count: int) -> str:
    return (f"corpus not found at {corpus_root()} (set {CORPUS_ENV}; "
            f"benchmarks/corpus/MANIFEST.tsv lists its files): {count} cases skipped")
