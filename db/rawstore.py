"""Content-addressed store of the original files, so a document can be
re-extracted after a fix without fetching it again; the crawler keeps the
list pages it read here too (``.html``), for its conditional requests.

Files live at ``ROOT/ab/abcdef….ext`` (sha256 of the bytes, original
extension kept for the readers' sake). Writing is atomic (temp file +
rename), so two processes storing the same bytes cannot leave a torn file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

DEFAULT_ROOT = "disclosures-raw"


def root_dir(root: str | Path | None = None) -> Path:
    return Path(root or os.environ.get("DISCLOSURES_RAW") or DEFAULT_ROOT)


def path_for(sha256: str, suffix: str, root: str | Path | None = None) -> Path:
    return root_dir(root) / sha256[:2] / f"{sha256}{suffix.lower()}"


def put(source: Path, sha256: str, root: str | Path | None = None) -> Path:
    target = path_for(sha256, source.suffix, root)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    os.close(fd)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target


def put_bytes(data: bytes, sha256: str, suffix: str, root: str | Path | None = None) -> Path:
    """``put`` for bytes held in memory (a list page as fetched)."""
    target = path_for(sha256, suffix, root)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, target)
    return target


def find(sha256: str, root: str | Path | None = None) -> Path | None:
    folder = root_dir(root) / sha256[:2]
    if not folder.is_dir():
        return None
    matches = sorted(folder.glob(f"{sha256}*"))
    return matches[0] if matches else None
