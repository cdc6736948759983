"""Where a stored value came from (``disclosures show``): its provenance chain.

A value is named by ``TABLE:ID[:FIELD]`` (the ``*_id`` column of a view) or
by a JSON pointer into its document's export (``SHA256#/budget_lines/3``).
The chain is the record, its document (file, URL, sha256, the kept original
in the raw store) and every provenance row of the record: page, box, locator,
source text, extractor and confidence. ``checks.evidence.render_box`` draws
the value's box on its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from disclosures.db import rawstore
from disclosures.db.engine import get_engine
from disclosures.db.export import resolve_ref
from disclosures.model.errors import BadInput
from sqlalchemy import text


class BadReference(BadInput):
    """A reference to a stored value that names nothing stored."""


class NoImage(BadInput):
    """A value whose page cannot be drawn (a Word file, or the original is gone)."""


# the field whose provenance stands for the record (spec/EXPORT.md: a fact's value, a line's
# amount, a project's or indicator's name; a finding's first evidence)
MAIN_FIELD = {"facts": "value", "budget_lines": "amount", "projects": "name", "indicators": "name",
              "project_funding": "executed", "findings": "evidence", "documents": "organization"}
RECORD_TABLES = tuple(MAIN_FIELD)
HIDDEN_COLUMNS = {"id", "document_id", "run_id", "ordinal"}


@dataclass
class Link:
    field: str
    page: int | None
    bbox: tuple[float, float, float, float] | None
    locator: str
    text: str
    extractor: str
    confidence: float | None


@dataclass
class Chain:
    table: str
    record_id: int
    field: str
    pointer: str | None
    document: dict
    record: dict
    links: list[Link]
    raw_path: Path | None

    def link(self, name: str | None = None) -> Link | None:
        name = name or self.field
        return next((k for k in self.links if k.field == name), None)

    def page_box(self) -> tuple[Path, int, tuple[float, float, float, float]]:
        """(original PDF, page, box) of the value, to draw it; ``NoImage`` when the
        value has no page or box (a Word file) or the original is not at hand."""
        link = self.link()
        if self.document["format"] != "pdf" or link is None or link.page is None or link.bbox is None:
            where = link.locator if link else "?"
            raise NoImage(f"no image: {self.document['file_name']} is a "
                          f"{self.document['format']} file and the value has no page or box "
                          f"(locator: {where})")
        if self.raw_path is None:
            raise NoImage(f"no image: the original file {self.document['sha256'][:12]}… is not "
                          f"in the raw store (set --raw-dir or $DISCLOSURES_RAW)")
        return self.raw_path, link.page, link.bbox


def parse_table_ref(ref: str) -> tuple[str, int, str | None] | None:
    """``budget_lines:12`` or ``budget_lines:12:budget_pct``."""
    m = re.fullmatch(r"([a-z_]+):(\d+)(?::([a-z_0-9]+))?", ref.strip())
    if not m:
        return None
    if m.group(1) not in RECORD_TABLES:
        raise BadReference(f"{ref}: {m.group(1)!r} is not a record table "
                            f"({', '.join(RECORD_TABLES)})")
    return m.group(1), int(m.group(2)), m.group(3)


def resolve_pointer(conn, document_id: int, run_id: int, pointer: str) -> tuple[str, int, str | None]:
    """(table, row id, field) of a JSON pointer into the document's export."""
    parts = [p for p in pointer.split("/") if p]

    def by_ordinal(table: str, ordinal: str, extra: str = "", **params) -> int:
        if not ordinal.isdigit():
            raise BadReference(f"{pointer}: {ordinal!r} is not a list index")
        row = conn.execute(text(f"SELECT id FROM {table} WHERE run_id = :run AND ordinal = :o{extra}"),
                           {"run": run_id, "o": int(ordinal), **params}).first()
        if row is None:
            raise BadReference(f"{pointer}: the document has no such record")
        return row[0]

    if len(parts) >= 2 and parts[0] == "document":
        return "documents", document_id, parts[1]
    if len(parts) >= 2 and parts[0] in ("facts", "budget_lines", "findings"):
        return parts[0], by_ordinal(parts[0], parts[1]), field_part(parts[2:])
    if len(parts) >= 2 and parts[0] == "projects":
        project = by_ordinal("projects", parts[1])
        if len(parts) >= 4 and parts[2] in ("indicators", "funding"):
            table = "indicators" if parts[2] == "indicators" else "project_funding"
            return table, by_ordinal(table, parts[3], " AND project_id = :p", p=project), \
                field_part(parts[4:])
        return "projects", project, field_part(parts[2:])
    raise BadReference(f"{pointer}: not a pointer to a value of the export "
                        f"(e.g. /budget_lines/3 or /projects/0/indicators/2)")


def field_part(rest: list[str]) -> str | None:
    """A trailing field name; ``provenance`` (the export's key) means the main field."""
    if not rest or rest[0] == "provenance":
        return None
    return rest[0]


def provenance_chain(engine, ref: str, raw_dir: str | None = None) -> Chain:
    """Where a stored value came from: ``TABLE:ID[:FIELD]`` or ``SHA256#/pointer``."""
    with engine.connect() as conn:
        parsed = parse_table_ref(ref)
        pointer = None
        if parsed is None:
            if "#" not in ref:
                raise BadReference(f"{ref}: give TABLE:ID (budget_lines:12) or "
                                    f"SHA256#/POINTER (ae16…#/budget_lines/3)")
            doc_ref, pointer = ref.split("#", 1)
            document_id = resolve_ref(conn, doc_ref)
            run_id = conn.execute(text("SELECT current_run_id FROM documents WHERE id = :d"),
                                  {"d": document_id}).scalar_one()
            table, record_id, field_name = resolve_pointer(conn, document_id, run_id, pointer)
        else:
            table, record_id, field_name = parsed
        record = conn.execute(text(f"SELECT * FROM {table} WHERE id = :i"), {"i": record_id}).mappings().first()
        if record is None:
            raise BadReference(f"{ref}: no {table} row {record_id}")
        document_id = record["id"] if table == "documents" else record["document_id"]
        document = dict(conn.execute(text("SELECT * FROM documents WHERE id = :d"),
                                     {"d": document_id}).mappings().one())
        if table != "documents" and record.get("run_id") not in (None, document["current_run_id"]):
            raise BadReference(f"{ref}: the row belongs to a superseded run")
        prov = conn.execute(text(
            "SELECT * FROM provenance WHERE record_table = :t AND record_id = :i AND run_id = :r "
            "ORDER BY id"), {"t": table, "i": record_id, "r": document["current_run_id"]}).mappings().all()
    links = [Link(p["field"], p["page"],
                  None if p["x0"] is None else (p["x0"], p["top"], p["x1"], p["bottom"]),
                  p["locator"], p["text"], p["extractor"], p["confidence"]) for p in prov]
    field_name = field_name or MAIN_FIELD[table]
    if not any(k.field == field_name for k in links):
        known = ", ".join(sorted({k.field for k in links})) or "none"
        raise BadReference(f"{ref}: no provenance for field {field_name!r} (fields with provenance: {known})")
    shown = {k: v for k, v in record.items() if k not in HIDDEN_COLUMNS and v is not None}
    return Chain(table, record_id, field_name, pointer, document, shown, links,
                 rawstore.find(document["sha256"], raw_dir))


def format_chain(chain: Chain) -> str:
    doc = chain.document
    lines = [f"{chain.table}:{chain.record_id}" + (f"  ({chain.pointer})" if chain.pointer else "")
             + f"  field {chain.field}"]
    for name, value in chain.record.items():
        if name in ("match_method", "level_match_method"):
            score = chain.record.get(name.replace("method", "score"))
            lines.append(f"  {name.replace('_method', '')}: {value} (score {score})")
        elif not name.endswith("match_score"):
            lines.append(f"  {name}: {value}")
    lines += [
        f"document {doc['id']}: {doc.get('organization') or '?'} {doc.get('fiscal_year') or ''} "
        f"{doc.get('kind') or ''}".rstrip(),
        f"  file: {doc['file_name']} ({doc['format']}"
        + (f", {doc['pages']} pages)" if doc.get("pages") else ")"),
        f"  sha256: {doc['sha256']}",
        f"  url: {doc.get('source_url') or '— (a local file)'}",
        f"  raw file: {chain.raw_path or '— (not in the raw store)'}",
        "provenance:",
    ]
    for link in chain.links:
        mark = "*" if link.field == chain.field else " "
        where = f"page {link.page}" if link.page else "no page"
        box = "[" + ", ".join(f"{v:.1f}" for v in link.bbox) + "]" if link.bbox else "no box"
        conf = f" confidence {link.confidence:.2f}" if link.confidence is not None else ""
        lines.append(f" {mark}{link.field}: {where}, {box}, {link.locator}, "
                     f"text {link.text!r}, extractor {link.extractor}{conf}")
    return "\n".join(lines)


def show(ref: str, raw_dir: str | None = None, db: str | None = None) -> Chain:
    """The provenance chain of the value ``ref`` in the database ``db``, with the
    original file looked up in the raw store ``raw_dir``."""
    return provenance_chain(get_engine(db), ref, raw_dir)
