"""The stored pipeline version changes whenever the code or data that decide an
extraction's output change (flows/version.py)."""

from __future__ import annotations

import re
import shutil

from disclosures.flows.pipeline import PIPELINE_VERSION
from disclosures.flows.version import (
    OUTPUT_PACKAGES,
    PACKAGE_ROOT,
    output_files,
    package_version,
    pipeline_version,
    source_digest,
)


def copy_of_tree(tmp_path):
    for package in OUTPUT_PACKAGES:
        shutil.copytree(PACKAGE_ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_version_is_the_package_version_and_a_digest():
    assert re.fullmatch(re.escape(package_version()) + r"[+.][0-9a-f]{12}", PIPELINE_VERSION)
    assert PIPELINE_VERSION == pipeline_version()


def test_digest_covers_code_and_vocabularies():
    names = {p.relative_to(PACKAGE_ROOT).as_posix() for p in output_files(PACKAGE_ROOT)}
    assert {"model/records.py", "extractors/recognizers/statements.py", "checks/rules.py",
            "normalizers/data/function_subjects.csv"} <= names
    assert not any(n.startswith(("cli/", "db/", "flows/")) or n.endswith(".md") for n in names)


def test_digest_changes_with_one_byte_of_code_or_data(tmp_path):
    root = copy_of_tree(tmp_path)
    before = source_digest(root)
    assert before == source_digest(PACKAGE_ROOT)
    rules = root / "checks" / "rules.py"
    rules.write_bytes(rules.read_bytes() + b"\n")
    after_code = source_digest(root)
    assert after_code != before
    data = root / "normalizers" / "data" / "function_subjects.csv"
    data.write_bytes(data.read_bytes().replace(b",", b";", 1))
    assert source_digest(root) not in (before, after_code)


def test_digest_ignores_what_does_not_decide_the_output(tmp_path):
    root = copy_of_tree(tmp_path)
    before = source_digest(root)
    (root / "normalizers" / "data" / "README.md").write_text("notes\n", encoding="utf-8")
    (root / "cli").mkdir()
    (root / "cli" / "app.py").write_text("# the CLI\n", encoding="utf-8")
    cache = root / "model" / "__pycache__"
    cache.mkdir()
    (cache / "records.cpython-311.pyc").write_bytes(b"\0")
    assert source_digest(root) == before
