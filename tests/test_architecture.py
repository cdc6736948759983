"""docs/architecture.md describes the tree as it is: its folder map and its import
graph are checked against the code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHITECTURE = REPO / "docs" / "architecture.md"
# not part of the tree: what .gitignore keeps out, caches, a virtualenv
UNTRACKED = re.compile(r"^(__pycache__|.*\.egg-info|build|dist|disclosures-raw|\.(?!ci$).*)$")

# Stages importing a later stage, each with the work that removes it (issue 11).
# Remove an entry when its import goes; the test fails on any other.
KNOWN_LATER_IMPORTS = {
    # years.change reads the prior year's document from the database: the comparison
    # is to run in the pipeline, with the prior year's records handed to the check
    ("checks", "db"),
}


def import_graph_module():
    spec = importlib.util.spec_from_file_location("import_graph", REPO / "docs" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mapped_folders() -> set[str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split("## Folder map", 1)[1].split("```", 2)[1]
    return {line.split()[0].rstrip("/") for line in block.splitlines() if line.strip()}


def tree_folders() -> set[str]:
    """Every top-level folder, and every folder holding Python code outside tests/."""
    def kept(path: Path) -> bool:
        return not any(UNTRACKED.match(part) for part in path.relative_to(REPO).parts)

    top = {p.name for p in REPO.iterdir() if p.is_dir() and kept(p)}
    code = {p.parent.relative_to(REPO).as_posix() for p in REPO.rglob("*.py")
            if kept(p) and p.parent != REPO and p.relative_to(REPO).parts[0] != "tests"}
    return top | code


def test_folder_map_matches_the_tree():
    mapped = mapped_folders()
    assert sorted(tree_folders() - mapped) == []  # in the tree, missing from the map
    assert sorted(f for f in mapped if not (REPO / f).is_dir()) == []  # in the map, not in the tree


def test_import_graph_in_the_doc_is_current():
    graph = import_graph_module()
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split(graph.BEGIN, 1)[1].split(graph.END, 1)[0].strip()
    assert block == graph.graph_markdown(graph.import_graph()).strip(), \
        "stale: run python docs/import_graph.py --write"


def test_no_stage_imports_a_later_stage():
    graph = import_graph_module()
    assert graph.later_imports(graph.import_graph()) == KNOWN_LATER_IMPORTS


def test_graph_reads_imports_inside_functions(tmp_path):
    """The graph sees an import wherever it is written, so a late import cannot hide."""
    graph = import_graph_module()
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "records.py").write_text(
        "def f():\n    from disclosures.flows.pipeline import extract\n", encoding="utf-8")
    assert graph.later_imports(graph.import_graph(tmp_path)) == {("model", "flows")}
