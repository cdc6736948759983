"""`disclosures serve` builds one scheduled deployment per portal config (nothing is served here)."""

from __future__ import annotations

from pathlib import Path

from disclosures.flows.crawl import PORTALS_DIR, all_portals, build_deployments


def write(directory: Path, name: str, text: str) -> None:
    (directory / f"{name}.toml").write_text(text, encoding="utf-8")


def test_nightly_cron_in_beijing_time_with_per_portal_override(tmp_path):
    write(tmp_path, "city-a", 'start_urls = ["https://www.a.gov.cn/czyjs/index.html"]\n')
    write(tmp_path, "county-b", 'start_urls = ["https://www.b.gov.cn/yjsgk/index.html"]\n'
                                '[schedule]\ncron = "30 3 * * 1"\n')
    write(tmp_path, "demo", 'start_urls = ["http://127.0.0.1:8765/czyjs/index.html"]\n'
                            '[schedule]\nenabled = false\n')
    deployments = build_deployments(tmp_path, db_url="postgresql+psycopg://crawler@db/disclosures")
    built = {d.name: d for d in deployments}
    assert sorted(built) == ["crawl-city-a", "crawl-county-b"]
    schedules = {name: (d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone)
                 for name, d in built.items()}
    assert schedules == {"crawl-city-a": ("0 2 * * *", "Asia/Shanghai"),
                         "crawl-county-b": ("30 3 * * 1", "Asia/Shanghai")}
    assert built["crawl-city-a"].parameters == {"portal": str(tmp_path / "city-a.toml"),
                                               "db_url": "postgresql+psycopg://crawler@db/disclosures"}
    assert built["crawl-city-a"].entrypoint.endswith("crawl.py:crawl_portal")


def test_shipped_portal_configs_load():
    configs = all_portals(PORTALS_DIR)
    assert "mock-czyjs" in {c.name for c in configs}
    assert all(c.start_urls for c in configs)
