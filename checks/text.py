"""The text itself: placeholders left from the template, years that contradict the
document's fiscal year, doubled punctuation.

Precision over recall: a 2024 决算 rightly mentions 2023 (``与2023年度相比``,
``比2023年度增加``), so a year is only wrong where the sentence can only mean the
reporting year — a heading naming the document itself (``2023年度部门决算情况说明``
in a 2024 决算, 普陀区财政局 p.18) or the 决算's reporting date
(``截至2023年12月31日``, p.24) outside a comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from disclosures.checks.facts import paragraph_spans
from disclosures.checks.rules import (
    DOUBLED_PUNCTUATION,
    TEXT_PLACEHOLDER,
    YEAR_MISMATCH,
)
from disclosures.model.layout import Document, Paragraph
from disclosures.model.records import DocumentInfo, Finding

# XX局, ××县, **万元 — the template's blanks (a single * is footnote-like and not judged)
PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XＸ]{2,}(?![A-Za-z])|(?<![A-Za-z])[xｘ]{2,}(?![A-Za-z])"
                         r"|[×✕╳]{2,}|[*＊]{2,}")
KIND_WORDS = {"final_accounts": "决算", "budget": "预算"}
DOCUMENT_TITLE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*度?\s*(?:[省市县区]级\s*)?(?:部门|单位)\s*"
                            r"(?P<k>决算|预算)\s*(?:表|情况说明|公开|说明)?\s*$")
AS_OF = re.compile(r"截[至止]\s*(?P<y>(?:19|20)\d{2})\s*年\s*(?:12\s*月\s*31\s*日|年?末|年?底)")
COMPARISON = re.compile(r"相比|比较|同比|较上年|比上年|较\s*(?:19|20)\d{2}|比\s*(?:19|20)\d{2}|上年|上一年")
SENTENCE = re.compile(r"[^。；;！？!?]*[。；;！？!?]?")
DOUBLED = re.compile(r"(?P<p>[。，、；：！？])(?P=p)(?![。，、；：！？])")


@dataclass(frozen=True)
class TextSettings:
    max_heading_chars: int = 60  # a heading is a line, not a sentence
    context_chars: int = 12


DEFAULT_SETTINGS = TextSettings()


def already_reported(findings: list[Finding]) -> dict[int, list[tuple[int, int]]]:
    """Char spans (by paragraph) the recognizers already reported as placeholders."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for f in findings:
        if f.rule != "placeholder":
            continue
        for prov in f.evidence:
            for index, start, end in paragraph_spans(prov):
                spans.setdefault(index, []).append((start or 0, end if end is not None else 10**9))
    return spans


def check_placeholders(doc: Document, existing: list[Finding]) -> list[Finding]:
    reported = already_reported(existing)
    findings: list[Finding] = []
    for p in doc.paragraphs:
        spans = [p.provenance(m.start(), m.end()) for m in PLACEHOLDER.finditer(p.text)
                 if not any(a < m.end() and m.start() < b for a, b in reported.get(p.index, []))]
        if spans:  # one finding per paragraph: the template's 上海市XX局 recurs in every line
            findings.append(TEXT_PLACEHOLDER.finding(evidence=spans, text=p.text.strip()[:60],
                                                     page=spans[0].page))
    return findings


def is_heading(p: Paragraph, settings: TextSettings) -> bool:
    text = p.text.strip()
    return 0 < len(text) <= settings.max_heading_chars and not re.search(r"[，,。；;]", text)


def sentence_at(text: str, pos: int) -> str:
    for m in SENTENCE.finditer(text):
        if m.start() <= pos < max(m.end(), m.start() + 1):
            return m.group(0)
    return text


def check_years(doc: Document, info: DocumentInfo, settings: TextSettings) -> list[Finding]:
    year, kind_word = info.fiscal_year, KIND_WORDS.get(info.kind or "")
    if year is None or kind_word is None:
        return []
    kind = "部门决算" if info.kind == "final_accounts" else "部门预算"
    findings: list[Finding] = []
    for p in doc.paragraphs:
        if is_heading(p, settings):
            m = DOCUMENT_TITLE.search(p.text)
            if m and m.group("k") == kind_word and int(m.group("y")) != year:
                findings.append(YEAR_MISMATCH.finding(
                    evidence=[p.provenance(m.start("y"), m.end("y")), p.provenance()],
                    what="a heading", year=m.group("y"), fiscal_year=year, kind=kind,
                    text=p.text.strip()))
        if info.kind != "final_accounts":
            continue  # a 预算 rightly dates assets at the end of the year before
        for m in AS_OF.finditer(p.text):
            if int(m.group("y")) == year or COMPARISON.search(sentence_at(p.text, m.start())):
                continue
            findings.append(YEAR_MISMATCH.finding(
                evidence=[p.provenance(m.start(), m.end())], what="the reporting date",
                year=m.group("y"), fiscal_year=year, kind=kind, text=m.group(0)))
    return findings


def check_punctuation(doc: Document, settings: TextSettings) -> list[Finding]:
    findings: list[Finding] = []
    for p in doc.paragraphs:
        for m in DOUBLED.finditer(p.text):
            a = max(0, m.start() - settings.context_chars)
            findings.append(DOUBLED_PUNCTUATION.finding(
                evidence=[p.provenance(m.start(), m.end())], text=m.group(0),
                context=p.text[a:m.end() + settings.context_chars].replace("\n", "")))
    return findings


def check_text(doc: Document, info: DocumentInfo, existing: list[Finding],
               settings: TextSettings = DEFAULT_SETTINGS) -> list[Finding]:
    return (check_placeholders(doc, existing) + check_years(doc, info, settings)
            + check_punctuation(doc, settings))
