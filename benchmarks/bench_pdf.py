"""PDF throughput and memory: the pipeline against its baselines, in one run.

    python benchmarks/bench_pdf.py [DIR ...] [--limit N]

Each configuration runs in its own child process over the same files, so
peak RSS (``ru_maxrss`` of that child) belongs to that configuration alone:

- ``pipeline``: read → recognize → normalize → check → store into a fresh
  SQLite file, the whole ``disclosures extract`` path without Prefect;
- ``camelot-lattice``: camelot lattice on every page (the slow baseline);
- ``pdfplumber-tables``: pdfplumber ``extract_tables`` on every page;
- ``pypdfium2-text``: pypdfium2 text of every page (the floor);
- ``ocr``: the ``pipeline`` configuration over the scanned seed
  (``fixtures/scanned``, image-only pages: every page rendered and read by
  rapidocr), whatever the corpus; only when the ``[ocr]`` extra is installed.

Prints a markdown table (pages, seconds, pages/s, s/page, peak RSS, ratio to
the pipeline) and the largest file's peak RSS under the pipeline. Not part of
the test run: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = [Path(os.environ.get("DISCLOSURES_CORPUS") or REPO.parent / "shared" / "corpus")]
# Six image-only pages of the seed 决算, printed and scanned (see fixtures/README.md).
SCANNED = REPO / "fixtures" / "scanned" / "luzhou-zfw-2024-final-accounts-scanned.pdf"


def run_pipeline(files: list[Path]) -> int:
    from disclosures.flows.pipeline import process_file
    from disclosures.model.errors import BadInput

    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        for f in files:
            try:
                pages += process_file(f, url, raw_root=Path(tmp) / "raw").pages or 0
            except BadInput:  # still read every page before deciding
                pages += page_count(f)
    return pages


def run_camelot(files: list[Path]) -> int:
    import camelot

    pages = 0
    for f in files:
        n = page_count(f)
        camelot.read_pdf(str(f), pages="all", flavor="lattice")
        pages += n
    return pages


def run_pdfplumber(files: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
                pages += 1
    return pages


def run_pdfium(files: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for f in files:
        pdf = pdfium.PdfDocument(str(f))
        for i in range(len(pdf)):
            page = pdf[i]
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


CONFIGS = {
    "pipeline": run_pipeline,
    "camelot-lattice": run_camelot,
    "pdfplumber-tables": run_pdfplumber,
    "pypdfium2-text": run_pdfium,
}
# Not run over the corpus: its files mostly have a text layer, which OCR never touches.
OCR_CONFIGS = {"ocr": run_pipeline}


def child(config: str, files: list[str]) -> None:
    """Run one configuration in this (child) process and print its measurements as JSON."""
    paths = [Path(f) for f in files]
    start = time.perf_counter()
    pages = {**CONFIGS, **OCR_CONFIGS}[config](paths)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"config": config, "pages": pages, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(config: str, files: list[Path]) -> dict:
    # The pipeline runs in-process here (no per-document child process), so
    # this child's peak RSS is the pipeline's own; isolation is a policy
    # layer around it, measured by its own tests.
    env = {**os.environ, "DISCLOSURES_ISOLATION": "0"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", config, *map(str, files)], env=env,
        capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{config} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_ocr() -> list[dict]:
    """The ``ocr`` row, or none when the ``[ocr]`` extra is missing (the pipeline
    would refuse the scan instead of reading it)."""
    from disclosures.extractors.readers.ocr import ocr_available

    if not ocr_available():
        return []
    return [measure(config, [SCANNED]) for config in OCR_CONFIGS]


def collect(dirs: list[Path], limit: int | None) -> list[Path]:
    files = sorted(p for d in dirs for p in d.rglob("*.pdf"))
    return files[:limit] if limit else files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=DEFAULT_DIRS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        child(args.child, [str(d) for d in args.dirs] + rest)
        return
    files = collect(args.dirs, args.limit)
    if not files:
        raise SystemExit(f"no PDF files under {', '.join(map(str, args.dirs))}")
    results = [measure(config, files) for config in CONFIGS]
    results += measure_ocr()
    largest = max(files, key=lambda p: p.stat().st_size)
    largest_rss = measure("pipeline", [largest])["peak_mb"]
    base = results[0]["pages"] / results[0]["seconds"]
    print(f"{len(files)} files, {results[0]['pages']} pages\n")
    print("| configuration | pages | seconds | pages/s | s/page | peak RSS (MB) | pipeline speed ÷ this |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        rate = r["pages"] / r["seconds"]
        print(f"| {r['config']} | {r['pages']} | {r['seconds']:.1f} | {rate:.2f} | {1 / rate:.3f} | "
              f"{r['peak_mb']:.0f} | {base / rate:.2f} |")
    if not any(r["config"] in OCR_CONFIGS for r in results):
        print("\nocr: skipped (rapidocr/onnxruntime not installed: pip install -e '.[ocr]')")
    else:
        print(f"\nocr: the pipeline over {SCANNED.relative_to(REPO)} (image-only pages), not the corpus")
    print(f"\npipeline peak RSS on the largest file ({largest.name}, "
          f"{largest.stat().st_size // 1024} KB): {largest_rss:.0f} MB")


if __name__ == "__main__":
    main()
