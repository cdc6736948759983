"""How benchmarks/eval/names.csv was drawn (kept so the set can be re-derived and audited).

Ground truth never comes from the matcher under test:

* subject, table rows: the code the table prints beside the name (a table's
  code is authoritative for its document); raw = the name alone for a 类, and
  for a 款/项 the chain of its printed ancestors' names joined with ``-`` (the
  form Shanghai narratives use), only when every ancestor row is printed;
* subject, narrative 类/款/项 sentences: the code the *same document's* tables
  print for that 项 name under a 款 row whose printed name is the 款 name (and
  for a 类 sentence, the 3-digit row of that name); sentences the document's own
  tables do not pin down are left out;
* indicator levels: the seed's 13 绩效自评表, each raw level checked by hand
  against the 财预〔2020〕10号 framework (可持续发展指标 = 可持续影响指标;
  满意度指标 printed as a 二级 = 服务对象满意度指标);
* organizations: the corpus headings, checked by hand against the folder the
  publisher filed them in, plus the seed's three names;
* indicator (三级指标): every 三级 cell of the seed's 13 绩效自评表, one row per
  cell (raw = the cell as printed, formula or rubric included), labelled by hand
  in ``INDICATORS`` with the library id it *means* — by its name, 二级, unit and
  target, not by what the matcher returns — or empty when it is project-specific
  (开展市级法学课题, 表彰见义勇为先进个人) and should stay unmatched. A name the
  table prints that ``INDICATORS`` does not label stops the build;
* economic, table rows: every coded row of the corpus tables the statement
  recognizer files as economic (一般公共预算基本支出表, 财政拨款基本支出预算表,
  机关运行经费支出预算表, 基本支出决算表), raw = the name as printed, expected = the
  code printed beside it (authoritative for its document and year: a 2017 table's
  30311 住房公积金 is 30311), once per document; year = the recognized fiscal
  year, else the year the publisher's file name states (six Jiangsu files whose
  year the recognizer misses: an economic name means different codes either
  side of 2018, so a row without its year would measure nothing; the older
  kinds keep the recognized year, blank for those files);
* economic, narrative: the seed's 人员经费/公用经费 item lists (txt lines 69-70),
  each hand-coded for 2024 in ``SEED_ECONOMIC`` (其他社会保障缴费 = 30112 and
  住房公积金 = 30113 after the 2018 reform; 办公设备购置 = 31002, as 基本支出 never
  carries 309 基本建设 money; 其他交通费 = 30239 其他交通费用).

Run from the repo root: python benchmarks/eval/build_names.py (reads ../shared).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from disclosures.extractors.recognizers.statements import parse_statement_tables  # noqa: E402
from disclosures.flows.pipeline import read, recognize  # noqa: E402
from disclosures.model.numbers import fold  # noqa: E402
from disclosures.normalizers.subjects import (  # noqa: E402
    clean_code,
    name_key,
    split_code_prefix,
    split_levels,
)

CORPUS = REPO / ".." / "shared" / "corpus"
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"
SEED_TXT = REPO / ".." / "shared" / "seeds" / "luzhou-zfw-2024-final-accounts.txt"
OUT = Path(__file__).with_name("names.csv")
LEVEL1 = {"产出指标": "产出指标", "效益指标": "效益指标", "满意度指标": "满意度指标", "成本指标": "成本指标"}
LEVEL2 = {"数量指标": "数量指标", "质量指标": "质量指标", "时效指标": "时效指标",
          "经济效益指标": "经济效益指标", "社会效益指标": "社会效益指标",
          "可持续发展指标": "可持续影响指标", "可持续影响指标": "可持续影响指标",
          "服务对象满意度指标": "服务对象满意度指标", "满意度指标": "服务对象满意度指标",
          "经济成本指标": "经济成本指标"}
ORGS = {"江苏省人大常委会办公厅": "江苏省人大常委会", "江苏省人民检察院": "江苏省人民检察院",
        "江苏省委办公厅": "中共江苏省委办公厅", "中国共产党江苏省委员会办公厅": "中共江苏省委办公厅",
        "中共江苏省委办公厅": "中共江苏省委办公厅", "江苏省政协办公厅": "江苏省政协",
        "上海市普陀区财政局": "上海市普陀区财政局",
        "上海市普陀区人民政府万里街道办事处": "上海市普陀区人民政府万里街道办事处",
        "上海市普陀区人民政府办公室": "上海市普陀区人民政府办公室",
        "上海市普陀区商务委员会": "上海市普陀区商务委"}

# 三级指标 name as the seed prints it -> the library id it means ("" = project-specific)
INDICATORS = {
    "科目调整次数": "subject_adjustment_count",
    "预算编制准确率（计算方法为：∣（执行数-预算数）/预算数∣）": "budget_preparation_accuracy",
    "“三公经费”控制率[计算方法为：（三公经费实际支出数/预算安排数]×100%）": "three_public_control_rate",
    "运转保障率": "operation_guarantee_rate",
    "发放（缴纳）覆盖率": "payment_coverage_rate",
    "足额保障率（参保率）": "full_guarantee_rate",
    "完成时限": "completion_deadline",
    # 时效指标 with target ≤ 1 年, as the 完成时限 rows beside it: a deadline
    "年底保质保量完成": "completion_deadline",
    # 时效指标 of the 培训费 project, graded 优: when the training is completed
    "培训完成时间": "completion_deadline",
    # 时效指标 graded 优: work done by the required time = 按时完成
    "按工作时间要求保质保量完成工作": "on_time_completion_rate",
    # 质量指标 ≥ 95 % of the 培训费 project: each session's pass rate = 培训合格率
    "每期合格率": "training_pass_rate",
    # satisfaction of the project's service objects, whoever they are named as
    "第一书记、单位满意度": "service_satisfaction",
    "广大法学法律工作者服务满意度": "service_satisfaction",
    "政法委满意度": "service_satisfaction",
    "每期培训干部满意度": "service_satisfaction",
    "四县三区服务对象满意": "service_satisfaction",
    "政法系统对智能化建设满意度95%以上为高，90%-95%为中，小于90%为低": "service_satisfaction",
    # project-specific: no canonical indicator
    "按要求完成工作": "",
    "在预算内完成工作": "",
    "按部门工作职责开展工作": "",
    "全市人民享受和谐稳定工作环境": "",
    "选派第一书记人数": "",
    "第一书记驻村经费保障考勤率": "",
    "巩固脱贫成效率100%为优，90%-95%为良，小于90%为差": "",
    "开展脱贫攻坚工作持续性": "",
    "经费保障支出": "",
    "开展市级法学课题": "",
    "刊物印制率": "",
    "课题开展率": "",
    "省法学会白酒产业法治研究会年会按时举办": "",
    "开展课题、刊物发行，对政法工作起积极作用率95%以上为优，90%-95%为良，小于90%为差": "",
    "提升法制水平率95%以上为优，90%-95%为良，小于90%为差": "",
    "刊物持续影响": "",
    "2024年法学会课题经费": "",
    "2024年省法学会白酒产业法治研究会年会费用": "",
    "每年培训批次": "",
    "全年培训费": "",
    "每年政法系统履职和服务效率": "",
    "表彰见义勇为先进个人": "",
    "创建平安社区": "",
    "链路视频图像资源运维护": "",
    "平安中国建设示范市": "",
    "扫黑除恶涉密": "",
    "市域社会治理现代化涉密": "",
    "政法宣传工作合作单位": "",
    "创建治理运行开展率": "",
    "视频图像资源运维完成率": "",
    "全市网络及校园周边治理工作开展": "",
    "政法系统工作宣传普及率95%以上为高，90%-95%为中，小于90%为低": "",
    "提升综治中心工作智能化水平，深化数据资源共享，融化新型智慧城市建设": "",
    "人民获得幸福感及安全感95%以上为高，90%-95%为中，小于90%为低": "",
    "表彰见义勇为先进和保险费": "",
    "平安中国建设经费": "",
    "扫黑除恶工作经费": "",
    "市域社会治理现代化经费": "",
    "市综治中心日常运转经费": "",
    "政法重点工作宣传": "",
    "升级会议系统、搭建平安泸州态势分析平台": "",
    "专网系统维护及运营数量": "",
    # a build/maintenance quality rate, not a 验收合格率 of the project
    "平台系统建设搭建维护合格率": "",
    "综治中心实体化运行率95%以上为高，90%-95%为中，小于90%为低": "",
    "泸州政法网络安全治理水平率95%以上为高，90%-95%为中，小于90%为低": "",
    "大调解信息系统维护费": "",
    "与长安网运营费": "",
    "政法系统跨部门办案平台应用成效提升服务运维费": "",
    "政法专网线路租赁费": "",
}
# the seed's 基本支出 narrative (txt lines 69-70), item -> 2024 经济分类 code
SEED_ECONOMIC = {
    69: {"基本工资": "30101", "津贴补贴": "30102", "奖金": "30103", "绩效工资": "30107",
         "机关事业单位基本养老保险缴费": "30108", "职业年金缴费": "30109",
         "其他社会保障缴费": "30112", "其他工资福利支出": "30199", "退休费": "30302",
         "生活补助": "30305", "医疗费补助": "30307", "奖励金": "30309", "住房公积金": "30113",
         "其他对个人和家庭的补助支出": "30399"},
    70: {"办公费": "30201", "印刷费": "30202", "咨询费": "30203", "手续费": "30204", "水费": "30205",
         "电费": "30206", "邮电费": "30207", "取暖费": "30208", "物业管理费": "30209",
         "差旅费": "30211", "维修（护）费": "30213", "租赁费": "30214", "会议费": "30215",
         "培训费": "30216", "公务接待费": "30217", "劳务费": "30226", "委托业务费": "30227",
         "工会经费": "30228", "福利费": "30229", "公务用车运行维护费": "30231", "其他交通费": "30239",
         "税金及附加费用": "30240", "其他商品和服务支出": "30299", "办公设备购置": "31002"},
}


def table_codes(lines) -> dict[str, str]:
    """code -> printed name, from the rows that print a code."""
    found: dict[str, str] = {}
    for line in lines:
        prefix, rest = split_code_prefix(line.subject_raw)
        code = clean_code(line.code_raw) if line.code_raw else prefix
        if code and name_key(rest):
            found.setdefault(code, name_key(rest))
    return found


def narrative_code(raw: str, codes: dict[str, str]) -> str | None:
    names = [re.sub(r"支出$", "", n) for n in split_levels(raw)]
    printed = {c: re.sub(r"支出$", "", n) for c, n in codes.items()}
    if len(names) == 1:
        hits = [c for c, n in printed.items() if len(c) == 3 and n == names[0]]
    else:
        hits = [c for c, n in printed.items()
                if len(c) == 2 * len(names) + 1 and n == names[-1]
                and printed.get(c[:-2]) == names[-2]]
    return hits[0] if len(hits) == 1 else None


def main() -> None:
    rows: list[dict] = []
    seen: set[tuple] = set()

    def add(kind, raw, year, expected, source, where):
        key = (kind, raw, year, source, where if kind.startswith(("level", "indicator")) else None)
        if key not in seen:
            seen.add(key)
            rows.append({"kind": kind, "raw": raw, "year": year or "", "expected": expected,
                         "source_file": source, "source_page_or_line": where})

    for path in sorted(CORPUS.rglob("*.pdf")):
        doc = read(path)
        ex = recognize(doc)
        rel = str(path.relative_to(CORPUS))
        year = ex.info.fiscal_year
        if ex.info.organization in ORGS:
            add("organization", ex.info.organization, year, ORGS[ex.info.organization], rel,
                ex.info.provenance["organization"].page)
        named = re.search(r"20\d\d", path.name)
        econ_year = year or (int(named.group()) if named else None)
        for st in parse_statement_tables(doc):
            if st.kind.role == "economic":
                for row in st.rows:
                    if row.code and row.name and not row.is_total:
                        add("economic", row.name, econ_year, row.code, rel, row.name_cell.page)
        codes = table_codes(ex.budget_lines)
        for line in ex.budget_lines:
            prefix, rest = split_code_prefix(line.subject_raw)
            code = clean_code(line.code_raw) if line.code_raw else prefix
            if code:
                if len(code) == 3:  # a bare 类 name is resolvable alone; deeper names need their chain
                    add("subject", fold(rest).strip(), year, code, rel, line.provenance.page)
                elif all(code[:n] in codes for n in range(3, len(code), 2)):
                    # the chain as Shanghai narratives write it: 卫生健康支出-行政事业单位医疗-行政单位医疗
                    chain = [codes[code[:n]] for n in range(3, len(code), 2)] + [name_key(rest)]
                    add("subject", "-".join(chain), year, code, rel, line.provenance.page)
                continue
            expected = narrative_code(line.subject_raw, codes)
            if expected:
                add("subject", line.subject_raw, year, expected, rel, line.provenance.page)
    ex = recognize(read(SEED_DOCX))
    for p in ex.projects:
        for ind in p.indicators:
            where = ind.provenance.locator.split(" / row")[0]
            if ind.level1_raw in LEVEL1:
                add("level1", ind.level1_raw, 2024, LEVEL1[ind.level1_raw], SEED_DOCX.name, where)
            if ind.level2_raw in LEVEL2:
                add("level2", ind.level2_raw, 2024, LEVEL2[ind.level2_raw], SEED_DOCX.name, where)
            if ind.name not in INDICATORS:
                raise SystemExit(f"三级指标 {ind.name!r} ({ind.provenance.locator}) is not labelled in INDICATORS")
            add("indicator", ind.name, 2024, INDICATORS[ind.name], SEED_DOCX.name,
                ind.provenance.locator.split(" / col")[0])
    for n in ("泸州市委政法委", "中共泸州市委政法委员会", "中国共产党泸州市委员会政法委员会"):
        add("organization", n, 2024, "中共泸州市委政法委", "luzhou-zfw-2024-final-accounts.txt", "heading")
    seed_lines = SEED_TXT.read_text(encoding="utf-8").splitlines()
    for line, items in SEED_ECONOMIC.items():
        for name, code in items.items():
            if name not in seed_lines[line - 1]:
                raise SystemExit(f"{name!r} is not on line {line} of {SEED_TXT.name}")
            add("economic", name, 2024, code, "luzhou-zfw-2024-final-accounts.txt", line)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
