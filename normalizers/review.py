"""People's decisions about names: the lookup key of a raw name and the check of a target.

A decision says "this name, as written, means that". It is keyed by the raw
name in the form its matcher compares names in (so ``党委办公厅（室）`` and
``党委办公厅(室)`` are one decision), and it is checked against the vocabulary
of its kind when it is made: a decision can only point at something the
vocabulary knows (or, for organizations, at an id of the kind the rules make).
``normalizers.apply.normalize`` applies decisions before any matcher runs.
"""

from __future__ import annotations

from typing import Callable, Mapping

from disclosures.model.errors import BadInput
from disclosures.normalizers.economic import economic_catalogue
from disclosures.normalizers.indicators import indicator_vocabulary, level_key
from disclosures.normalizers.organizations import (
    organization_key,
    organization_vocabulary,
)
from disclosures.normalizers.subjects import clean_code, function_catalogue, name_key

KINDS = ("subject", "economic", "indicator", "level1", "level2", "organization")

# kind -> {(kind, key): target}; what normalize() takes
Decisions = Mapping[tuple[str, str], str]


class ReviewError(BadInput):
    """A decision that cannot be recorded: unknown kind, empty name, or a target
    the vocabulary does not know."""


KEY_OF: dict[str, Callable[[str], str]] = {
    "subject": name_key,
    "economic": name_key,
    "indicator": name_key,
    "level1": level_key,
    "level2": level_key,
    "organization": organization_key,
}


def decision_key(kind: str, raw: str) -> str:
    """The form a raw name is decided and looked up in."""
    if kind not in KEY_OF:
        raise ReviewError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    key = KEY_OF[kind](raw or "")
    if not key:
        raise ReviewError(f"{kind} name {raw!r} is empty once normalized")
    return key


def check_target(kind: str, target: str) -> str:
    """The target as stored (a code without spaces, an id, a canonical name);
    ``ReviewError`` when the vocabulary of ``kind`` does not know it."""
    text = (target or "").strip()
    if kind in ("subject", "economic"):
        catalogue = function_catalogue() if kind == "subject" else economic_catalogue()
        code = clean_code(text)
        if code is None or code not in catalogue.by_code:
            raise ReviewError(f"{kind} target {target!r} is not a code of the "
                              f"{'支出功能' if kind == 'subject' else '经济'}分类 vocabulary")
        return code
    vocab = indicator_vocabulary()
    if kind == "indicator":
        if text not in vocab.name_keys:
            raise ReviewError(f"indicator target {target!r} is not an id of indicator_library.csv")
        return text
    if kind in ("level1", "level2"):
        levels = vocab.level1 if kind == "level1" else vocab.level2
        if text not in {lv.name for lv in levels}:
            raise ReviewError(f"{kind} target {target!r} is not a canonical "
                              f"{'一级' if kind == 'level1' else '二级'}指标 name")
        return text
    if kind == "organization":
        known = organization_vocabulary().by_id
        if text not in known and organization_key(text) != text:
            raise ReviewError(f"organization target {target!r} is neither an id of "
                              f"organizations.csv nor an id the naming rules produce")
        return text
    raise ReviewError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")


def decided(decisions: Decisions | None, kind: str, raw: str | None) -> str | None:
    """The decided target of a raw name, or None."""
    if not decisions or not raw:
        return None
    key = KEY_OF[kind](raw)
    return decisions.get((kind, key)) if key else None


def unknown_printed_pairs(lines, year: int | None) -> list[tuple[str, str]]:
    """(code, name) pairs a document's tables printed whose name the vocabulary
    does not know for that code: what ``db.review`` keeps as learned pairs."""
    from disclosures.normalizers.subjects import split_code_prefix

    catalogue = function_catalogue()
    pairs: set[tuple[str, str]] = set()
    for line in lines:
        prefix, rest = split_code_prefix(line.subject_raw)
        code = clean_code(line.code_raw) if line.code_raw is not None else prefix
        name = name_key(rest)
        if code is None or not name:
            continue
        if code not in catalogue.by_code or not catalogue.name_agrees(code, name, year):
            pairs.add((code, name))
    return sorted(pairs)
