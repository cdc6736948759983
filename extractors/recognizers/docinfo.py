"""Who published the document, for which year, and what it is (决算, 预算, 绩效评价报告).

Read from the title page when there is one (``江苏省人大常委会办公厅 / 2019年度部门预算公开``,
``上海市普陀区2025年区级部门预算 / 预算主管部门：上海市普陀区商务委员会``), otherwise from
the first mention in the text: the seed 泸州 决算 has no title page and opens with
``泸州市委政法委下属二级预算单位2个…`` and ``纳入市委政法委2024年度部门决算编制范围…``.
The year may sit on its own line (江苏省人民检察院 2017: ``年部门预算`` / ``2017``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from disclosures.model.layout import Document, Paragraph, Provenance
from disclosures.model.records import DocumentInfo
from disclosures.model.vocabulary import DocumentKind


@dataclass(frozen=True)
class DocInfoSettings:
    head_paragraphs: int = 40  # the title page and the first section are enough
    max_org_chars: int = 40


DEFAULT_SETTINGS = DocInfoSettings()

_HAN = r"\u4e00-\u9fff"
# 2024年度部门决算 / 2025年区级部门预算 / 2019年度预算公开 / 2024 年度单位预算
KIND_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2})?\s*年度?\s*(?:[省市县区]级)?\s*(?:部门|单位)?\s*(?P<kind>决算|预算)"
    r"(?!绩效|项目|编制|执行|管理|资金|安排|调整|收入|支出|数|单位)")
REPORT_RE = re.compile(r"^\s*\S{0,30}绩效(?:自评|评价)报告\s*$")
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
ORG_LABEL_RE = re.compile(rf"(?:预算主管部门|预算单位|编制部门|编制单位|单位名称|部\s*门)\s*[:：]\s*"
                          rf"(?P<org>[{_HAN}（）()]{{2,40}})")
ORG_SUFFIX = (r"(?:委员会|办公厅|办公室|常委会|人民政府|政府|办事处|街道|委|局|厅|院|署|中心|所|站|队|会"
              r"|部|处|社|馆|校|团|镇|乡|园|台|室)")
REGION_RE = re.compile(rf"[{_HAN}]{{1,6}}?(?:省|自治区|市|自治州|地区|盟|县|自治县|区|旗)")
# an organization followed by the words that follow it in these documents
ORG_IN_TEXT_RE = re.compile(
    rf"(?P<org>[{_HAN}（）()]{{2,30}}?{ORG_SUFFIX})"
    rf"(?=下属|下设|共有|机关运行经费|政府采购|(?:19|20)\d{{2}}|部门(?:预算|决算)|主要职能|是|概况|\s*$)")
# a title line: the name alone, or the name and 2019年度部门预算(公开)
TITLE_ORG_RE = re.compile(
    rf"^\s*(?P<org>[{_HAN}（）()]{{2,40}}?{ORG_SUFFIX})\s*"
    rf"(?:(?:(?:19|20)\d{{2}})?\s*年度?\s*(?:[省市县区]级)?\s*(?:部门|单位)?\s*(?:决算|预算)"
    rf"(?:公开)?(?:文件|表格?)?)?\s*$")

KINDS: dict[str, DocumentKind] = {"决算": "final_accounts", "预算": "budget"}


def region_of(org: str) -> str | None:
    """The administrative prefix of a name: 泸州市委政法委 → 泸州市, 上海市普陀区… → 上海市普陀区."""
    text = re.sub(r"^(?:中国共产党|中共)", "", org)
    end = 0
    while m := REGION_RE.match(text, end):
        end = m.end()
    return text[:end] or None


def head_paragraphs(doc: Document, settings: DocInfoSettings) -> list[Paragraph]:
    return [p for p in doc.paragraphs if p.text.strip()][: settings.head_paragraphs]


def find_kind(paragraphs: list[Paragraph]) -> tuple[DocumentKind, Provenance, re.Match] | None:
    """The first statement of what the document is, in document order."""
    for p in paragraphs:
        report = REPORT_RE.match(p.text)
        if report:
            return "performance_report", p.provenance(), report
        m = KIND_RE.search(p.text)
        if m and (m.group("year") or re.search(r"(?:部门|单位)\s*(?:决算|预算)", m.group(0))):
            return KINDS[m.group("kind")], p.provenance(m.start("kind"), m.end("kind")), m
    return None


def find_year(paragraphs: list[Paragraph]) -> tuple[int, Provenance] | None:
    for p in paragraphs:
        m = KIND_RE.search(p.text)
        if m and m.group("year"):
            return int(m.group("year")), p.provenance(m.start("year"), m.end("year"))
    for p in paragraphs[:6]:
        m = YEAR_RE.search(p.text)
        if m:
            return int(m.group(1)), p.provenance(m.start(1), m.end(1))
    return None


def find_organization(paragraphs: list[Paragraph], settings: DocInfoSettings
                      ) -> tuple[Paragraph, int, int] | None:
    """The paragraph and character span naming the organization."""
    for p in paragraphs:
        m = ORG_LABEL_RE.search(p.text)
        if m:
            return p, m.start("org"), m.end("org")
    for p in paragraphs[:6]:
        m = TITLE_ORG_RE.match(p.text)
        if m and region_of(m.group("org")):
            return p, m.start("org"), m.end("org")
    for p in paragraphs:
        for m in ORG_IN_TEXT_RE.finditer(p.text):
            org = m.group("org")
            start = m.start("org")
            region = REGION_RE.search(org)
            if region is None:
                continue
            # drop words before the region (纳入 / 截至… / 2024年度，)
            start += region.start()
            org = org[region.start():]
            if len(org) <= settings.max_org_chars:
                return p, start, m.end("org")
    return None


def recognize_document_info(doc: Document, settings: DocInfoSettings = DEFAULT_SETTINGS) -> DocumentInfo:
    paragraphs = head_paragraphs(doc, settings)
    info = DocumentInfo()
    kind = find_kind(paragraphs) or find_kind(doc.paragraphs)
    if kind:
        info.kind, info.provenance["kind"], _ = kind
    year = find_year(paragraphs)
    if year:
        info.fiscal_year, info.provenance["fiscal_year"] = year
    found = find_organization(paragraphs, settings)
    if found:
        p, start, end = found
        info.organization = p.text[start:end]
        info.provenance["organization"] = p.provenance(start, end)
        region = region_of(info.organization)
        if region:
            at = start + info.organization.find(region)
            info.region = region
            info.provenance["region"] = p.provenance(at, at + len(region))
    return info
