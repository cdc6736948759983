"""The one exception hierarchy of the package.

Every exception the library raises on purpose is a ``DisclosuresError``, in
one of two branches, so the command line answers any of them with one
``except``: one ``Error: …`` line on stderr and the branch's exit code.

- ``BadInput`` (exit code 2): what the user gave cannot be used — a file
  that is empty, truncated, encrypted, not the format its name says or not a
  disclosure; an unknown document id, an unsupported database URL, a bad
  portal configuration or review decision. Nothing is written for it.
- ``Failure`` (exit code 1): the input may be fine but the work failed — a
  stage of the pipeline broke on a document (``StageError`` names the stage
  and the item), a portal could not be read, a recognizer produced a record
  the database refuses.

All of them pickle with their message and attributes, whatever their
constructor's signature (a stage's child process sends them back to its
parent, ``flows.isolation``); attributes must themselves pickle, so a cause
from another library is kept as text.
"""

from __future__ import annotations

from typing import Any, ClassVar


def _rebuild(cls: type[DisclosuresError], args: tuple[Any, ...]) -> DisclosuresError:
    # BaseException.__new__ sets ``args`` without running a subclass's __init__.
    return cls.__new__(cls, *args)


class DisclosuresError(Exception):
    """Base of the package's exceptions; ``exit_code`` is the command line's answer."""

    exit_code: ClassVar[int] = 1

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args), self.__dict__)


class BadInput(DisclosuresError, ValueError):
    """What the user gave cannot be processed; the message names it and the reason."""

    exit_code: ClassVar[int] = 2


class NotADisclosure(BadInput):
    """The file is readable but is no budget disclosure (a notice, an application
    form, a web page …): ``reason`` is the classification's short code, the
    message names the file and quotes the text that decided."""

    def __init__(self, file_name: str, reason: str, detail: str):
        self.file_name, self.reason, self.detail = file_name, reason, detail
        super().__init__(f"{file_name}: not a budget disclosure: {detail}")


class Failure(DisclosuresError, RuntimeError):
    """The work failed for a reason that is not the input's fault."""

    exit_code: ClassVar[int] = 1


class StageError(Failure):
    """A pipeline stage failed on an item; the message names the stage, the item and
    the cause. The cause itself may not pickle (an exception of a library), so only
    its type name and message travel with the error."""

    def __init__(self, stage: str, item: str, cause: BaseException | str):
        self.stage, self.item = stage, item
        self.cause = cause if isinstance(cause, str) else f"{type(cause).__name__}: {cause}"
        super().__init__(f"{stage} failed on {item}: {self.cause}")
