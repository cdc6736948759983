"""专项项目绩效评价报告 (paragraph-level project evaluation reports) → projects.

A report opens with a title paragraph (``专项项目绩效评价报告``,
``XX项目支出绩效评价报告`` …) followed, in the template the seed uses, by the
project's name in brackets (``（驻村第一书记经费）``). Its figures sit in running
text: ``2024年项目经费313万元``, ``预算执行率为100%``, ``项目自评分95分``. A
figure is taken only where the text states it next to what it is; a
template's ``XX万元`` is a finding, never a value. Each value's provenance is
the exact span it was read from (``Paragraph.provenance(start, end)``).

The department-wide report (``部门预算绩效评价报告``, ``部门整体支出绩效评价报告``)
is not a project report: a project report's title names a 项目.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from disclosures.extractors.recognizers.performance import is_form_instruction
from disclosures.model.layout import Document, Paragraph, Provenance, union_bbox
from disclosures.model.numbers import text_to_amount, text_to_percent
from disclosures.model.records import DocumentInfo, Extraction, Finding, Project


@dataclass(frozen=True)
class EvaluationReportSettings:
    # 一、项目概况 / 四、评价结论: a numbered paragraph this short is a heading;
    # longer ones are list items (the seed's "一、成本效益分析法：通过…").
    max_heading_chars: int = 24
    max_title_chars: int = 40


DEFAULT_SETTINGS = EvaluationReportSettings()

_TITLE_RE = re.compile(r"项目.*绩效(自评|评价|自评价)报告$")
_DEPARTMENT_TITLE_MARKS = ("部门整体", "整体支出", "部门预算绩效", "部门决算绩效")
_BRACKETED_NAME_RE = re.compile(r"^\s*[（(]\s*(?P<name>[^（()）]+?)\s*[)）]\s*$")
_TITLE_NAME_RE = re.compile(
    r"^\s*(?:20\d\d\s*年度?)?\s*(?P<name>.+?)\s*(?:专项)?(?:项目)?(?:支出)?绩效(?:自评|评价|自评价)报告\s*$")
_REPORT_END_RE = re.compile(r"^\s*(附件\s*\d+|第[一二三四五六七八九十]+部分)")
_TOP_HEADING_RE = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_SUBHEADING_RE = re.compile(r"^\s*[（(]\s*(?:[一二三四五六七八九十]+|\d+)\s*[)）]")

_NUMBER = r"(?P<num>\d[\d,，]*(?:[.．]\d+)?)"
_AMOUNT = _NUMBER + r"\s*(?P<unit>亿元|万元|千元|元)"
_PERCENT = _NUMBER + r"\s*[%％]"
_LINK = r"\s*(?:为|是|共计|共|合计|总计|达到|达|了|：|:)?\s*"
_PLACEHOLDER_RE = re.compile(r"(?:[xX]{2,}|×{2,}|[*＊]+)\s*(?:亿元|万元|千元|元|%|％|分)")

# field → patterns, strongest first; the first sentence (in document order)
# matching the strongest pattern wins.
FIGURE_PATTERNS: dict[str, tuple[re.Pattern, ...]] = {
    "budget_initial": (
        re.compile(r"(?:年初预算(?:数|资金)?|预算安排(?:资金)?|安排(?:预算|资金)|项目(?:总)?预算(?:资金)?)"
                   + _LINK + _AMOUNT),
    ),
    "budget_adjusted": (
        re.compile(r"(?:调整后(?:的)?预算(?:数|资金)?|全年预算(?:数)?|调整预算(?:数)?)" + _LINK + _AMOUNT),
    ),
    "executed": (
        re.compile(r"(?:预算执行数|执行数|实际支出|实际执行|已支出|累计支出|支出资金|执行金额|决算数)"
                   + _LINK + _AMOUNT),
    ),
    "execution_rate": (
        re.compile(r"预算执行率\s*(?:为|是|达到|达|：|:)\s*" + _PERCENT),
        re.compile(r"预算执行率\s*" + _PERCENT),
    ),
    "total_score": (
        re.compile(r"(?:自评|评价)(?:总)?(?:得分|分数|总分|评分|分)" + _LINK + _NUMBER + r"\s*分"),
    ),
}
# Under a 预算安排/资金安排 heading the template words the budget loosely
# ("2024年驻村工作人员经费为3.75万元", "2024年项目经费313万元"); clauses about
# how it is split or what it pays for are not the budget.
BUDGET_SECTION_MARKS = ("预算安排", "资金安排", "资金投入", "预算情况", "资金情况")
BUDGET_SECTION_RE = re.compile(r"(?:经费|资金|预算)(?:总额)?" + _LINK + _AMOUNT)
BUDGET_CLAUSE_EXCLUDES = ("用于", "分配", "标准", "每", "其中")
TEXT_SECTIONS = (("conclusion", ("结论",)), ("problems", ("问题",)),
                 ("improvements", ("建议", "改进", "措施")))
_CLAUSE_RE = re.compile(r"[^，,。；;]+")


@dataclass
class Report:
    title: Paragraph
    name_paragraph: Paragraph | None
    name_span: tuple[int, int]
    paragraphs: list[Paragraph]


def recognize_evaluation_reports(doc: Document, info: DocumentInfo,
                                 settings: EvaluationReportSettings = DEFAULT_SETTINGS) -> Extraction:
    """Every 专项项目绩效评价报告 in ``doc`` → a Project(source="evaluation_report")."""
    extraction = Extraction(info=info)
    for report in paragraphs_to_reports(doc.paragraphs, settings):
        extraction.projects.append(report_to_project(report, extraction, settings))
    return extraction


def is_report_title(paragraph: Paragraph, settings: EvaluationReportSettings) -> bool:
    text = re.sub(r"\s+", "", paragraph.text)
    return (0 < len(text) <= settings.max_title_chars and bool(_TITLE_RE.search(text))
            and not any(mark in text for mark in _DEPARTMENT_TITLE_MARKS))


def paragraphs_to_reports(paragraphs: list[Paragraph], settings: EvaluationReportSettings) -> list[Report]:
    reports: list[Report] = []
    current: Report | None = None
    for position, paragraph in enumerate(paragraphs):
        if is_report_title(paragraph, settings):
            current = start_report(paragraphs, position)
            reports.append(current)
        elif current is not None and _REPORT_END_RE.match(paragraph.text):
            current = None
        elif current is not None and paragraph is not current.name_paragraph:
            current.paragraphs.append(paragraph)
    return [r for r in reports if r.name_span != (0, 0)]


def start_report(paragraphs: list[Paragraph], position: int) -> Report:
    """The project's name: the bracketed line under the title, else the title's own words."""
    title = paragraphs[position]
    following = next((p for p in paragraphs[position + 1:] if p.text.strip()), None)
    if following is not None:
        m = _BRACKETED_NAME_RE.match(following.text)
        if m:
            return Report(title, following, m.span("name"), [])
    m = _TITLE_NAME_RE.match(title.text)
    name = m.group("name") if m else ""
    if m is None or not name or name in ("专项", "项目", "专项项目"):
        return Report(title, None, (0, 0), [])
    return Report(title, title, m.span("name"), [])


def report_to_project(report: Report, extraction: Extraction, settings: EvaluationReportSettings) -> Project:
    start, end = report.name_span
    assert report.name_paragraph is not None  # paragraphs_to_reports keeps named reports only
    name_provenance = report.name_paragraph.provenance(start, end)
    project = Project(name=name_provenance.text, provenance=name_provenance, source="evaluation_report")
    project.field_provenance["name"] = name_provenance
    for field_name, (value, provenance) in report_figures(report, settings).items():
        setattr(project, field_name, value)
        project.field_provenance[field_name] = provenance
    for field_name, (text, provenance) in report_text_sections(report, settings).items():
        setattr(project, field_name, text)
        project.field_provenance[field_name] = provenance
    for paragraph in report.paragraphs:
        for m in _PLACEHOLDER_RE.finditer(paragraph.text):
            extraction.findings.append(Finding(
                "evaluation_report.placeholder", "warning",
                f"{project.name}: template placeholder {m.group(0)!r} where a figure belongs",
                [project], [paragraph.provenance(m.start(), m.end())]))
    return project


def report_figures(report: Report, settings: EvaluationReportSettings) -> dict[str, tuple[Decimal, Provenance]]:
    figures: dict[str, tuple[Decimal, Provenance]] = {}
    for field_name, patterns in FIGURE_PATTERNS.items():
        for pattern in patterns:
            found = first_match(report.paragraphs, pattern)
            if found is not None:
                figures[field_name] = found
                break
    if "budget_initial" not in figures:
        found = budget_from_budget_section(report, settings)
        if found is not None:
            figures["budget_initial"] = found
    return figures


def first_match(paragraphs: list[Paragraph], pattern: re.Pattern) -> tuple[Decimal, Provenance] | None:
    for paragraph in paragraphs:
        for m in pattern.finditer(paragraph.text):
            value = match_to_value(m)
            if value is not None:
                return value, paragraph.provenance(m.start("num"), m.end())
    return None


def match_to_value(m: re.Match) -> Decimal | None:
    number = unicodedata.normalize("NFKC", m.group("num")).replace(",", "")
    unit = m.groupdict().get("unit")
    try:
        if unit:
            return text_to_amount(number + unit)
        if m.group(0).rstrip().endswith(("%", "％")):
            return text_to_percent(number)
        return Decimal(number)
    except (ValueError, ArithmeticError):
        return None


def budget_from_budget_section(report: Report,
                               settings: EvaluationReportSettings) -> tuple[Decimal, Provenance] | None:
    paragraphs = section_paragraphs(report, BUDGET_SECTION_MARKS,
                                    lambda text: is_subheading(text) or is_top_heading(text, settings),
                                    keep_heading=True)
    for paragraph in paragraphs:
        for clause in _CLAUSE_RE.finditer(paragraph.text):
            if any(word in clause.group(0) for word in BUDGET_CLAUSE_EXCLUDES):
                continue
            m = BUDGET_SECTION_RE.search(clause.group(0))
            value = match_to_value(m) if m else None
            if m is not None and value is not None:
                offset = clause.start()
                return value, paragraph.provenance(offset + m.start("num"), offset + m.end())
    return None


def section_paragraphs(report: Report, marks: tuple[str, ...], is_heading,
                       keep_heading: bool = False) -> list[Paragraph]:
    """The paragraphs under the first heading naming one of ``marks``, up to
    the next heading. ``keep_heading`` keeps the heading paragraph itself, for
    headings that run on into their text ("（四）项目绩效目标设置。该项目…")."""
    inside, found = False, []
    for paragraph in report.paragraphs:
        text = paragraph.text.strip()
        if is_heading(text):
            if inside:
                break
            if any(mark in heading_words(text) for mark in marks):
                inside = True
                if keep_heading:
                    found.append(paragraph)
            continue
        if inside:
            found.append(paragraph)
    return found


def heading_words(text: str) -> str:
    """A heading's own words: up to its first full stop or colon."""
    return re.split(r"[。：:]", text, maxsplit=1)[0]


def is_top_heading(text: str, settings: EvaluationReportSettings) -> bool:
    return bool(_TOP_HEADING_RE.match(text)) and len(text.strip()) <= settings.max_heading_chars


def is_subheading(text: str) -> bool:
    return bool(_SUBHEADING_RE.match(text))


def report_text_sections(report: Report, settings: EvaluationReportSettings) -> dict[str, tuple[str, Provenance]]:
    """评价结论 / 存在主要问题 / 改进建议: the section's own paragraphs, the
    template's instructions left out (the seed's 平安建设 report keeps
    "简要阐述专项预算项目在预算安排…" above its answer)."""
    sections: dict[str, tuple[str, Provenance]] = {}
    for field_name, marks in TEXT_SECTIONS:
        under = section_paragraphs(report, marks, lambda text: is_top_heading(text, settings))
        paragraphs = [p for p in under if p.text.strip() and not is_form_instruction(p.text)]
        if paragraphs:
            sections[field_name] = paragraphs_to_text(paragraphs)
    return sections


def paragraphs_to_text(paragraphs: list[Paragraph]) -> tuple[str, Provenance]:
    """One paragraph: its own provenance. Several: their text joined by line
    breaks, located at the first paragraph (a locator names one place)."""
    if len(paragraphs) == 1:
        text = paragraphs[0].text.strip()
        start = paragraphs[0].text.find(text)
        return text, paragraphs[0].provenance(start, start + len(text))
    first = paragraphs[0]
    text = "\n".join(p.text.strip() for p in paragraphs)
    bbox = union_bbox([p.bbox for p in paragraphs if p.page == first.page])
    return text, Provenance(first.locator, text, first.extractor, first.page, bbox)
