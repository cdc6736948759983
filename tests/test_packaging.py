"""What ``pip install`` puts on a machine: one package, ``disclosures``, with the
files it reads at run time, working from a plain (non-editable) wheel.

The wheel is built from a copy of the tree (the build writes ``build/`` and
``*.egg-info`` next to the sources) with the installed setuptools and wheel
(``--no-build-isolation``: nothing is downloaded), then installed without its
dependencies into a fresh virtualenv that sees this Python's site-packages.
About 20 s; deselect with ``-m "not packaging"``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOT_SHIPPED = shutil.ignore_patterns(".git", ".*cache", ".hypothesis", "__pycache__", "*.egg-info", "build",
                                     "dist", "disclosures-raw", "disclosures.db*", "real", "tests")
FORMER_TOP_LEVEL = ("db", "flows", "checks", "extractors", "normalizers", "model", "cli", "fixtures")


def tracked(pattern: str) -> list[str]:
    """The repository files under ``pattern``, as wheel paths."""
    return sorted(f"disclosures/{p.relative_to(REPO).as_posix()}" for p in REPO.glob(pattern) if p.is_file())


def test_package_list_is_the_tree():
    """pyproject lists the packages explicitly: every folder with an __init__.py outside
    tests/, benchmarks/ and docs/, and nothing else."""
    listed = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    found = {".".join(("disclosures", *p.parent.relative_to(REPO).parts)) for p in REPO.rglob("__init__.py")
             if p.relative_to(REPO).parts[0] not in ("tests", "benchmarks", "docs")}
    assert sorted(listed) == sorted(found)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "disclosures"
    shutil.copytree(REPO, src, ignore=NOT_SHIPPED)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(out), str(src)], check=True, capture_output=True, timeout=300)
    [built] = out.glob("disclosures-*.whl")
    return built


@pytest.mark.packaging
def test_wheel_holds_one_package_and_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"disclosures", wheel.name.split("-py3")[0] + ".dist-info"}
    # the demo's mock portal and the seed it serves, the migrations, the vocabularies
    groups = [tracked("fixtures/portal/site/**/*"), tracked("fixtures/seed/*"), tracked("db/migrations/**/*.py"),
              tracked("normalizers/data/*.csv"), tracked("db/alembic.ini"), tracked("db/export.schema.json"),
              tracked("flows/portals/*.toml")]
    assert all(groups)
    assert sorted({n for group in groups for n in group} - set(names)) == []
    assert not [n for n in names if n.startswith(("disclosures/tests/", "disclosures/benchmarks/",
                                                    "disclosures/docs/", "disclosures/fixtures/real/"))]


@pytest.mark.packaging
def test_wheel_works_in_a_fresh_virtualenv(wheel, tmp_path):
    venv = tmp_path / "venv"
    # --system-site-packages: the dependencies (and pip) come from this Python's site-packages
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, timeout=120)
    python, command = venv / "bin" / "python", venv / "bin" / "disclosures"
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def run(*args):
        return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    for name in FORMER_TOP_LEVEL:
        result = run(python, "-c", f"import {name}")
        assert result.returncode == 1 and f"No module named '{name}'" in result.stderr, name
    # the package and the demo's files are the installed ones, not this tree's
    located = run(python, "-c", "import disclosures.fixtures.portal.server as s, disclosures.db.engine as e; "
                  "print(s.SITE, s.SEED_PDF, s.SEED_DOCX, e.PACKAGE_DIR / 'migrations', sep='\\n')")
    assert located.returncode == 0, located.stderr
    paths = [Path(line) for line in located.stdout.splitlines()]
    assert len(paths) == 4 and all(p.exists() and venv in p.parents for p in paths), paths
    help_ = run(command, "--help")
    assert help_.returncode == 0, help_.stderr
    assert all(word in help_.stdout for word in ("extract", "demo", "crawl", "export"))
