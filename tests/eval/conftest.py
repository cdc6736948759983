"""Shared by the evaluation tests: the benchmark modules, loaded by path.

``benchmarks/`` is not part of the installed package. Its modules are loaded
from their files here, when pytest imports this conftest (before it collects
the test modules), and registered as ``benchmarks_truth``,
``benchmarks_printed_codes`` and ``benchmarks_corpus_eval``, so test modules import them by those names
without the repository root on ``sys.path`` (which would make ``import db``
work where it must not).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"


def load_benchmark(name: str):
    key = f"benchmarks_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


load_benchmark("truth")
# corpus_eval imports its sibling by plain name, as a script does
sys.modules.setdefault("printed_codes", load_benchmark("printed_codes"))
load_benchmark("corpus_eval")
