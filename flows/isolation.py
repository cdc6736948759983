"""A time limit and a memory ceiling per document: stages run in a child process.

Published files are hostile input to the parsers: a zip bomb saved as .docx
inflates to gigabytes in python-docx, a PDF of thousands of pages keeps
pdfium busy for minutes, a damaged file can crash a native library. One such
file must not stall or kill a nightly crawl, so the stages that read a file's
content run in a child process with ``RLIMIT_AS`` set, and the parent kills
the child when the document's time is up. The child hands back the stage's
result (the picklable ``Document`` / ``Extraction``); the parent stores it.

A document that exceeds a limit, or whose child dies, is the file's fault:
``LimitExceeded`` is a ``BadInput`` (the CLI exits 2, nothing is written).

Children are forked from a ``forkserver`` that has imported the readers and
recognizers once, so each stage costs a fork, not an interpreter start and
its imports. The forkserver keeps the working directory and environment it
started with: paths are made absolute before they are handed over.

``flows.pipeline.extract`` stays in-process for tests and library callers;
``IsolationSettings(enabled=False)`` turns isolation off for a run.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from disclosures.model.errors import BadInput, DisclosuresError, StageError

TIME_LIMIT_ENV = "DISCLOSURES_TIME_LIMIT"  # seconds per document
MEMORY_LIMIT_ENV = "DISCLOSURES_MEMORY_LIMIT_MB"  # address space of the child, MB
ISOLATION_ENV = "DISCLOSURES_ISOLATION"  # "0" / "false" / "no" runs stages in-process
FALSE_WORDS = {"0", "false", "no", "off"}

# Imported once by the forkserver, so forked children start with them loaded.
PRELOAD = ("disclosures.flows.pipeline", "disclosures.extractors.readers.docx", "disclosures.extractors.readers.pdf",
           "disclosures.normalizers.apply", "disclosures.checks")
# A child that has sent its result exits at once; this only bounds a stuck exit.
EXIT_GRACE_S = 5.0


@dataclass(frozen=True)
class IsolationSettings:
    # A 31-page 决算 PDF takes ~1.5 s end to end; 120 s is far beyond any
    # legitimate disclosure and short enough not to stall a nightly crawl.
    time_limit_s: float = 120.0
    # Address space, not resident memory: the child's imports alone map ~300 MB.
    memory_limit_mb: int = 2048
    enabled: bool = True
    start_method: str = "forkserver"

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise ValueError(f"time limit {self.time_limit_s!r} s must be positive")
        if not self.memory_limit_mb > 0:
            raise ValueError(f"memory limit {self.memory_limit_mb!r} MB must be positive")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> IsolationSettings:
        """Defaults, then ``$DISCLOSURES_TIME_LIMIT`` / ``_MEMORY_LIMIT_MB`` /
        ``_ISOLATION``, then ``overrides`` that are not None (CLI options)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if env.get(TIME_LIMIT_ENV):
            values["time_limit_s"] = env_number(TIME_LIMIT_ENV, env[TIME_LIMIT_ENV], float)
        if env.get(MEMORY_LIMIT_ENV):
            values["memory_limit_mb"] = env_number(MEMORY_LIMIT_ENV, env[MEMORY_LIMIT_ENV], int)
        if env.get(ISOLATION_ENV):
            values["enabled"] = env[ISOLATION_ENV].strip().lower() not in FALSE_WORDS
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def env_number(name: str, raw: str, kind: type) -> Any:
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a{'n' if kind is int else ''} {kind.__name__}") from None


class LimitExceeded(BadInput):
    """A document ran past its time limit or memory ceiling, or crashed its child."""


@dataclass(frozen=True)
class DocumentLimits:
    """One document's limits: every stage draws on the same time budget."""

    settings: IsolationSettings = field(default_factory=IsolationSettings)
    deadline: float = 0.0  # wall-clock time.time(): Prefect may run tasks apart

    @classmethod
    def start(cls, settings: IsolationSettings | None = None) -> DocumentLimits:
        settings = settings or IsolationSettings.from_env()
        return cls(settings, time.time() + settings.time_limit_s)

    def remaining(self) -> float:
        return self.deadline - time.time()


def run_stage(limits: DocumentLimits | None, stage: str, item: str,
              fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a limited child process (in-process when isolation is off).

    ``fn`` must be a module-level function and its arguments and result
    picklable. Exceptions come back as the same kind: ``BadInput`` with its
    message, ``StageError`` with stage, item and cause. ``LimitExceeded`` when
    the document's time is up, its memory ceiling is hit, or the child dies.
    """
    if limits is None or not limits.settings.enabled:
        return fn(*args)
    settings = limits.settings
    if limits.remaining() <= 0:
        raise LimitExceeded(time_message(item, stage, settings))
    context = multiprocessing.get_context(settings.start_method)
    if settings.start_method == "forkserver":
        context.set_forkserver_preload(preload_modules())
    receiver, sender = context.Pipe(duplex=False)
    # typeshed's BaseContext (a start method named at run time) lacks Process; every context has it
    child = context.Process(target=child_main,  # type: ignore[attr-defined]
                            args=(sender, fn, args, settings.memory_limit_mb),
                            name=f"disclosures-{stage}", daemon=True)
    child.start()
    sender.close()
    try:
        reply = await_reply(receiver, limits.remaining())
        if reply is None:
            raise LimitExceeded(time_message(item, stage, settings))
        child.join(EXIT_GRACE_S)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
            child.join()
    if isinstance(reply, str):  # "died"
        raise died_error(item, stage, settings, child.exitcode)
    return reply_to_result(reply, item, stage, settings)


def preload_modules() -> list[str]:
    """PRELOAD, plus the top-level imports of the parent's main module.

    Every child re-runs the parent's main module (multiprocessing's
    bootstrap), so whatever it imports — typer and rich for the CLI, Prefect
    (~2 s) for a flow script, pytest — would be imported again per stage
    unless the forkserver holds it already. (Python 3.11's ``"__main__"``
    preload does not do this: the forkserver is never told the main path.)
    The main module itself is not preloaded: runpy warns on stderr when a
    ``python -m`` module it re-runs is already imported.
    """
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name.endswith("__main__"):  # never re-run
        return list(PRELOAD)
    path = spec.origin if spec is not None else getattr(main, "__file__", None)
    return [*PRELOAD, *(name for name in script_imports(path) if name in sys.modules)]


def script_imports(path: str | None) -> list[str]:
    """Modules a script imports at top level (not in functions or the
    ``if __name__ == "__main__":`` block, which a child never runs)."""
    try:
        tree = ast.parse(Path(path).read_bytes()) if path else None
    except (OSError, SyntaxError, ValueError):
        tree = None
    names: list[str] = []
    for node in tree.body if tree else []:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def await_reply(receiver: Connection, timeout: float) -> tuple | str | None:
    """The child's message; ``"died"`` when it exited without one; None on timeout."""
    if not receiver.poll(max(timeout, 0)):
        return None
    try:
        return receiver.recv()
    except (EOFError, OSError):
        return "died"


def reply_to_result(reply: tuple, item: str, stage: str, settings: IsolationSettings) -> Any:
    kind, *payload = reply
    if kind == "ok":
        return payload[0]
    if kind == "memory":
        raise LimitExceeded(f"{item}: exceeded the {settings.memory_limit_mb} MB memory limit "
                            f"(during {stage})")
    raise payload[0]


def time_message(item: str, stage: str, settings: IsolationSettings) -> str:
    return f"{item}: exceeded the {settings.time_limit_s:g} s time limit (stopped during {stage})"


def died_error(item: str, stage: str, settings: IsolationSettings, exitcode: int | None) -> Exception:
    """Why a child ended without a reply. Killed by a signal: a native parser
    (pdfium, lxml, zlib) aborted, which under RLIMIT_AS most often means a
    failed allocation — the file's doing. A plain non-zero exit means the
    child could not even start the stage (e.g. the main module failed to
    import in it) — the pipeline's doing."""
    if exitcode is not None and exitcode < 0:
        return LimitExceeded(f"{item}: the {stage} stage crashed (killed by "
                             f"{signal.Signals(-exitcode).name}), possibly at the "
                             f"{settings.memory_limit_mb} MB memory limit")
    return StageError(stage, item, RuntimeError(f"isolated child process exited with code "
                                                f"{exitcode} before returning a result"))


# -- in the child ----------------------------------------------------------------

def child_main(sender: Connection, fn: Callable[..., Any], args: tuple, memory_limit_mb: int) -> None:
    limit_address_space(memory_limit_mb)
    try:
        reply: tuple = ("ok", fn(*args))
        sender.send(reply)
    except BaseException as exc:  # everything goes back to the parent, described
        reply = failure_reply(exc)
        del exc  # its traceback holds the frames that filled memory
        sender.send(reply)
    finally:
        sender.close()


def limit_address_space(memory_limit_mb: int) -> None:
    limit = memory_limit_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def failure_reply(exc: BaseException) -> tuple:
    if caused_by_memory(exc):
        return ("memory",)
    if isinstance(exc, DisclosuresError):  # pickle-safe by design (model.errors)
        return ("error", exc)
    return ("error", portable(exc))


def caused_by_memory(exc: BaseException | None) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, MemoryError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def portable(exc: BaseException) -> BaseException:
    """``exc`` itself when it survives pickling, else a RuntimeError saying what it
    was; either way carrying the child's traceback as a note for the logs."""
    trace = "".join(traceback.format_exception(exc)).rstrip()
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:
        copy = RuntimeError(f"{type(exc).__name__}: {exc}")
    copy.add_note(f"in the isolated child process:\n{trace}")
    return copy


def start_early(settings: IsolationSettings | None = None) -> None:
    """Start the forkserver now, so that its start — an interpreter importing
    the readers, recognizers and checks — overlaps the caller's own work
    (opening the database) instead of following it: for one ``extract`` it
    costs about as much as processing a 30-page PDF."""
    settings = settings or IsolationSettings.from_env()
    if settings.enabled and settings.start_method == "forkserver":
        from multiprocessing import forkserver

        multiprocessing.get_context("forkserver").set_forkserver_preload(preload_modules())
        forkserver.ensure_running()
