"""Zip bundles through the pipeline: each member a document linked to its bundle,
a bad member reported without sinking the others, bombs refused before anything is stored."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from disclosures.cli.app import app
from disclosures.flows.pipeline import Outcome, is_bundle, process_bundle
from disclosures.model.errors import BadInput
from typer.testing import CliRunner

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"
SEED_DOCX = SEED / "luzhou-zfw-2024-final-accounts.docx"
SEED_PDF = SEED / "luzhou-zfw-2024-final-accounts.pdf"
ERROR_PAGE = b"<!DOCTYPE html><html><head><title>404</title></head><body>not found</body></html>"

runner = CliRunner()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_documents(db_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select file_name, source_url from documents order by file_name").fetchall()


def seed_bundle(tmp_path: Path) -> Path:
    return make_zip(tmp_path / "附件.zip", {
        "决算/luzhou-zfw-2024-final-accounts.docx": SEED_DOCX.read_bytes(),
        "决算/luzhou-zfw-2024-final-accounts.pdf": SEED_PDF.read_bytes(),
        "说明.pdf": ERROR_PAGE,  # a portal's error page saved under the attachment's name
    })


def test_extract_stores_each_member_linked_to_the_bundle(workdir):
    bundle = seed_bundle(workdir)
    result = runner.invoke(app, ["extract", str(bundle), "--json", "members.json"], catch_exceptions=False)

    assert result.exit_code == 0, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [("Error: 附件.zip!/说明.pdf: 说明.pdf: not a budget disclosure: a web page (HTML), "
                       "not a document: no disclosure title, figures or tables")]
    assert result.stderr.count("loaded luzhou-zfw-2024-final-accounts.") == 2
    sha = sha256_of(bundle)
    assert stored_documents(workdir / "disclosures.db") == [
        ("luzhou-zfw-2024-final-accounts.docx", f"zip:{sha}!/决算/luzhou-zfw-2024-final-accounts.docx"),
        ("luzhou-zfw-2024-final-accounts.pdf", f"zip:{sha}!/决算/luzhou-zfw-2024-final-accounts.pdf"),
    ]
    exports = json.loads((workdir / "members.json").read_text(encoding="utf-8"))
    assert [e["document"]["format"] for e in exports] == ["docx", "pdf"]
    assert {e["document"]["fiscal_year"] for e in exports} == {2024}
    # the bundle's own bytes are kept, so the zip:<sha256> link resolves
    assert (workdir / "raw" / sha[:2] / f"{sha}.zip").read_bytes() == bundle.read_bytes()


def test_a_zip_bomb_exits_2_and_stores_nothing(workdir):
    bomb = make_zip(workdir / "bomb.zip", {"report.pdf": b"\0" * (8 * 1024 * 1024)})
    result = runner.invoke(app, ["extract", str(bomb)], catch_exceptions=False)

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: bomb.zip: zip member report.pdf has compression ratio")
    assert not (workdir / "disclosures.db").exists() or stored_documents(workdir / "disclosures.db") == []
    assert not (workdir / "raw").exists()


def test_a_bundle_of_only_bad_files_exits_2(workdir):
    bundle = make_zip(workdir / "b.zip", {"a.pdf": ERROR_PAGE, "b.docx": b""})
    result = runner.invoke(app, ["extract", str(bundle)], catch_exceptions=False)

    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        ("Error: b.zip!/a.pdf: a.pdf: not a budget disclosure: a web page (HTML), not a document: "
         "no disclosure title, figures or tables"),
        "Error: b.zip!/b.docx: b.docx: empty file (0 bytes)",
    ]
    assert not (workdir / "raw").exists()


def fake_process(seen: list[tuple[str, str]]):
    """A member processor that records what it was given instead of extracting."""
    def process(path: Path, url: str) -> Outcome:
        seen.append((path.read_text(), url))
        return Outcome(sha256="0" * 64, file_name=path.name, document_id=len(seen), run_id=1,
                       counts={}, pages=None, seconds=0.0)
    return process


def test_nested_zip_is_unpacked_one_level_with_urls_from_the_bundle_url(tmp_path):
    innermost = make_zip(tmp_path / "deep.zip", {"c.pdf": b"c"}).read_bytes()
    inner = make_zip(tmp_path / "inner.zip", {"b.pdf": b"b", "deep.zip": innermost}).read_bytes()
    bundle = make_zip(tmp_path / "outer.zip", {"a.pdf": b"a", "sub/inner.zip": inner})
    seen: list[tuple[str, str]] = []

    result = process_bundle(bundle, source_url="http://portal.example/att/1.zip", raw_root=tmp_path / "raw",
                            process=fake_process(seen))

    assert seen == [("a", "http://portal.example/att/1.zip#a.pdf"),
                    ("b", "http://portal.example/att/1.zip#sub/inner.zip!/b.pdf")]
    assert [m.name for m in result.processed] == ["a.pdf", "sub/inner.zip!/b.pdf"]
    [deep] = result.failed
    assert deep.name == "sub/inner.zip!/deep.zip" and deep.bad_input
    assert deep.error == "deep.zip: a zip nested more than 1 level deep in the bundle"


def test_nested_zips_share_the_bundles_file_budget(tmp_path):
    from disclosures.extractors.readers.bundle import BundleLimits

    inner = make_zip(tmp_path / "inner.zip", {f"{i}.pdf": b"x" for i in range(3)}).read_bytes()
    bundle = make_zip(tmp_path / "outer.zip", {"a.pdf": b"a", "inner.zip": inner})
    seen: list[tuple[str, str]] = []

    result = process_bundle(bundle, raw_root=tmp_path / "raw", limits=BundleLimits(max_members=4),
                            process=fake_process(seen))

    assert [m.name for m in result.processed] == ["a.pdf"]
    assert result.failed[0].error == "inner.zip: zip holds 3 files (limit 2)"


def test_a_truncated_bundle_is_bad_input(tmp_path):
    whole = make_zip(tmp_path / "whole.zip", {"a.pdf": b"a" * 5000}).read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole[: len(whole) // 2])

    assert not is_bundle(SEED_DOCX) and is_bundle(truncated)
    with pytest.raises(BadInput, match=r"^truncated.zip: unreadable zip archive"):
        process_bundle(truncated, raw_root=tmp_path / "raw", process=fake_process([]))
    assert not (tmp_path / "raw").exists()
