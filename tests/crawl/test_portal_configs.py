"""The shipped portal configs: every one loads, the city configs are what the
generator makes of the CSV, each says it is unverified, and `serve` finds them."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from collections import Counter

import pytest
from disclosures.flows.crawl import (
    PORTALS_DIR,
    PortalConfigError,
    all_portals,
    build_deployments,
    load_portal,
)


def load_generator():
    spec = importlib.util.spec_from_file_location("build_configs", PORTALS_DIR / "build_configs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


generator = load_generator()


def test_every_shipped_config_loads_with_a_unique_name():
    configs = all_portals()
    names = [c.name for c in configs]
    assert len(names) == len(set(names)) == 101  # the mock column and 100 cities
    assert all(c.start_urls and c.start_urls[0].startswith("http") for c in configs)
    assert load_portal("008-hangzhou").start_urls == ("http://www.hangzhou.gov.cn/col/col1229063412/index.html",)


def test_city_configs_are_the_generators_output_of_the_csv():
    rows = generator.read_rows()
    assert len(rows) == 100
    shipped = {p.name: p.read_text(encoding="utf-8") for p in (PORTALS_DIR / "cities").glob("*.toml")}
    assert shipped == generator.build(rows)  # run flows/portals/build_configs.py after editing either


def test_every_city_config_says_it_is_unverified_and_where_it_came_from():
    for path in sorted((PORTALS_DIR / "cities").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        assert data["verified"] is False, path
        assert "NOT VERIFIED" in text and "city-budget-columns.csv" in text, path
        assert data["shape"] == generator.url_to_shape(data["start_urls"][0]), path
        assert data["schedule"]["enabled"] is generator.SHAPES[data["shape"]].enabled, path


@pytest.mark.parametrize("url, shape", [
    ("http://www.hangzhou.gov.cn/col/col1229063412/index.html", "jcms-column"),
    ("http://www.jinan.gov.cn/col/col55590/index.html?jh=263", "query-handler"),
    ("http://public.zhengzhou.gov.cn/?a=dir&h=1&p=D1901&c=177950&f=177991", "query-handler"),
    ("http://www.beijing.gov.cn/gongkai/caizheng/czzt/2026ys/index.html", "year-column"),
    ("http://www.xa.gov.cn/gk/czzj/bmczyjs/2026nbmczys/1.html", "year-column"),
    ("http://www.chengdu.gov.cn/gkml/czyjs/column-index-1.shtml", "shtml-list"),
    ("http://www.sz.gov.cn/cn/xxgk/zfxxgj/zjxx/gbmczyjs/", "static-folder"),
    ("http://czj.huaian.gov.cn/xxgk/czsj/list.html", "static-page"),
    ("http://www.hefei.gov.cn/zwgk/site/tpl/1541", "dynamic-page"),
    ("http://yjsgk.jsczt.cn/", "platform"),
    ("http://czj.zs.gov.cn/sy/yjsgkpt/", "platform"),
    ("http://www.huzhou.gov.cn/hzgov/front/yjsgk/index.do", "platform"),
    ("http://www.qingdao.gov.cn/zwgk/search.shtml?searchWord=2026", "search"),
    ("http://czj.weihai.gov.cn/", "site-root"),
])
def test_url_shapes(url, shape):
    assert generator.url_to_shape(url) == shape


def test_shape_counts_of_the_100_cities():
    counts = generator.shape_counts(generator.read_rows())
    assert counts == {"site-root": 14, "search": 2, "platform": 9, "query-handler": 4, "year-column": 10,
                      "jcms-column": 12, "shtml-list": 7, "static-folder": 26, "static-page": 15,
                      "dynamic-page": 1}


def test_serve_finds_the_enabled_city_portals_tagged_unverified():
    deployments = build_deployments(PORTALS_DIR)
    enabled = sum(n for shape, n in generator.shape_counts(generator.read_rows()).items()
                  if generator.SHAPES[shape].enabled)
    assert len(deployments) == enabled == 75
    assert all("unverified" in d.tags for d in deployments)
    crons = Counter(d.schedules[0].schedule.cron for d in deployments)
    assert max(crons.values()) <= 3  # spread over the night, not all at 02:00


def test_one_portal_name_in_two_folders_is_an_error(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.toml").write_text('start_urls = ["https://x.gov.cn/a/"]\n', encoding="utf-8")
    with pytest.raises(PortalConfigError, match="'same' is configured twice"):
        all_portals(tmp_path)
