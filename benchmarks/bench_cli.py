"""The command line as a user feels it: one file by hand, and a folder on all cores.

    python benchmarks/bench_cli.py [FILE] [--folder DIR] [--runs N] [--workers N ...]

- single file: wall time of ``disclosures extract FILE`` (a new process, as a
  user types it; into a database that exists, and into a fresh one, which
  adds the schema migration) against a bare Python program that reads the
  same file's text with pypdfium2 (interpreter start and import included),
  the median of ``--runs`` runs each, measured alternately in the same run;
- folder: ``disclosures survey DIR --workers N`` for each N, end to end
  (pages/s from the command's own last line), against pdfplumber
  ``extract_tables`` and pypdfium2 text over the same PDFs
  (``benchmarks/bench_pdf.py``'s configurations, each in its own process).

Prints markdown tables. Not part of the test run: timings depend on the
machine and on what else runs on it, which is why each comparison is made
within one run.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_FILE = CORPUS / "shanghai-putuo" / "上海市普陀区人民政府万里街道办事处25年预算.pdf"
DEFAULT_FOLDER = CORPUS / "shanghai-putuo"
BARE_PDFIUM = """
import sys
import pypdfium2 as pdfium

pdf = pdfium.PdfDocument(sys.argv[1])
for i in range(len(pdf)):
    pdf[i].get_textpage().get_text_range()
"""
SURVEY_LAST_LINE = re.compile(r"(\d+) documents, (\d+) pages, (\d+) failed in ([\d.]+) s "
                              r"with (\d+) workers: ([\d.]+) pages/s")


def disclosures_command() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("disclosures")
    return [str(script)] if script.exists() else [sys.executable, "-m", "disclosures.cli.app"]


def environment(tmp: Path) -> dict[str, str]:
    # no Prefect API: the plain path a user gets without --prefect
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {**env, "DISCLOSURES_RAW": str(tmp / "raw"), "DO_NOT_TRACK": "1"}


def wall(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds


def single_file(path: Path, runs: int) -> list[tuple[str, float]]:
    """Median wall seconds of extract (existing database, fresh database) and the bare reader."""
    times: dict[str, list[float]] = {"extract": [], "extract, fresh database": [], "pypdfium2 text": []}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp_name:
        tmp = Path(tmp_name)
        env = environment(tmp)
        extract = [*disclosures_command(), "extract", str(path)]
        wall([*extract, "--db", f"sqlite:///{tmp / 'warm.db'}"], env, tmp)  # the database exists
        for run in range(runs):
            times["pypdfium2 text"].append(wall([sys.executable, "-c", BARE_PDFIUM, str(path)], env, tmp))
            times["extract"].append(wall([*extract, "--db", f"sqlite:///{tmp / 'warm.db'}"], env, tmp))
            times["extract, fresh database"].append(
                wall([*extract, "--db", f"sqlite:///{tmp / f'fresh-{run}.db'}"], env, tmp))
    return [(name, statistics.median(values)) for name, values in times.items()]


def survey(folder: Path, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-survey-") as tmp_name:
        tmp = Path(tmp_name)
        command = [*disclosures_command(), "survey", str(folder), "--workers", str(workers),
                   "--db", f"sqlite:///{tmp / 'survey.db'}"]
        env = {**environment(tmp), "COLUMNS": "200"}
        start = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=tmp, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    found = SURVEY_LAST_LINE.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"survey exited {done.returncode}:\n{done.stdout[-1000:]}\n{done.stderr[-1000:]}")
    documents, pages, failed = (int(found.group(i)) for i in (1, 2, 3))
    return {"config": f"survey --workers {workers}", "documents": documents, "failed": failed,
            "pages": pages, "seconds": seconds, "pages_per_s": pages / seconds}


def baselines(folder: Path) -> list[dict]:
    """pdfplumber tables and pypdfium2 text over the folder's PDFs (bench_pdf.py)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_pdf import collect, measure

    files = collect([folder], None)
    rows = []
    for config in ("pdfplumber-tables", "pypdfium2-text"):
        r = measure(config, files)
        rows.append({"config": config, "documents": len(files), "failed": 0, "pages": r["pages"],
                     "seconds": r["seconds"], "pages_per_s": r["pages"] / r["seconds"]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, os.cpu_count() or 1])
    args = parser.parse_args()
    for needed in (args.file, args.folder):
        if not needed.exists():
            raise SystemExit(f"{needed}: not found (the corpus lives in ../shared/corpus)")

    timings = single_file(args.file, args.runs)
    floor = dict(timings)["pypdfium2 text"]
    print(f"single file: {args.file.name} ({args.file.stat().st_size // 1024} KB), "
          f"median of {args.runs} runs\n")
    print("| command | wall seconds | ÷ pypdfium2 text |")
    print("|---|---:|---:|")
    for name, seconds in timings:
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.1f} |")

    rows = [survey(args.folder, n) for n in args.workers] + baselines(args.folder)
    print(f"\nfolder: {args.folder} ({os.cpu_count()} cores)\n")
    print("| configuration | documents | failed | pages | seconds | pages/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['config']} | {r['documents']} | {r['failed']} | {r['pages']} | {r['seconds']:.1f} | "
              f"{r['pages_per_s']:.1f} |")


if __name__ == "__main__":
    main()
