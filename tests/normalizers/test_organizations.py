"""Short and full names of one unit share one stable id; region levels from the name."""

from __future__ import annotations

import pytest
from disclosures.normalizers.organizations import (
    identify_organization,
    organization_key,
    region_level,
)


def test_the_three_names_of_the_luzhou_political_legal_committee_are_one_unit():
    ids = {identify_organization(n).id
           for n in ("泸州市委政法委", "中共泸州市委政法委员会", "中国共产党泸州市委员会政法委员会")}
    assert ids == {"中共泸州市委政法委"}
    assert identify_organization("泸州市委政法委").name == "中国共产党泸州市委员会政法委员会"


@pytest.mark.parametrize("a, b", [
    # rules, not list entries: a unit the CSV does not name
    ("中共宜宾市委组织部", "宜宾市委组织部"),
    ("中国共产党宜宾市委员会宣传部", "宜宾市委宣传部"),
    ("四川省宜宾市教育局", "宜宾市教育局"),
    # 江苏 2018 writes 省人大办公厅 for the 常委会 whose budget it publishes
    ("江苏省人民代表大会常务委员会", "江苏省人大常委会办公厅"),
    ("中国人民政治协商会议江苏省委员会", "江苏省政协办公厅"),
])
def test_generic_rules_fold_names(a, b):
    assert organization_key(a) == organization_key(b)


def test_a_name_without_its_region_takes_the_documents():
    assert identify_organization("省人大办公厅", "江苏省").id == "江苏省人大常委会"
    assert identify_organization("普陀区商务委员会", "上海市普陀区").id == \
        identify_organization("上海市普陀区商务委员会").id


def test_distinct_units_stay_distinct():
    assert organization_key("江苏省委办公厅") != organization_key("江苏省委")
    assert organization_key("上海市普陀区人民政府办公室") != organization_key("上海市普陀区人民政府")


@pytest.mark.parametrize("name, level", [
    ("江苏省人民检察院", "省"), ("泸州市委政法委", "市"), ("上海市普陀区财政局", "区县"),
    ("上海市财政局", "省"), ("中共泸州市江阳区委组织部", "区县"), ("万里街道办事处", None),
])
def test_region_level(name, level):
    assert region_level(name) == level
