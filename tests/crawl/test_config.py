"""Portal TOML files: defaults, overrides, and typos caught."""

from __future__ import annotations

import pytest
from disclosures.flows.crawl import PortalConfigError, load_portal


def test_sections_override_defaults_and_lists_become_tuples(tmp_path):
    path = tmp_path / "luzhou-czyjs.toml"
    path.write_text('start_urls = ["https://www.example.gov.cn/czyjs/index.html"]\n'
                    '[fetch]\ndelay_seconds = 2.5\n'
                    '[attachments]\nlink_text_include = ["决算", "预算"]\n', encoding="utf-8")
    config = load_portal(str(path))
    assert config.name == "luzhou-czyjs"
    assert config.fetch.delay_seconds == 2.5 and config.fetch.retries == 3
    assert config.attachments.link_text_include == ("决算", "预算")
    assert config.schedule.cron == "0 2 * * *" and config.schedule.timezone == "Asia/Shanghai"


def test_a_misspelt_key_is_an_error_not_a_silent_default(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text('start_urls = ["https://x.gov.cn/a/index.html"]\n[fetch]\ndelay = 2\n', encoding="utf-8")
    with pytest.raises(PortalConfigError, match=r"\[fetch\]: unknown keys \['delay'\]"):
        load_portal(str(path))


def test_start_urls_are_required(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text('title = "x"\n', encoding="utf-8")
    with pytest.raises(PortalConfigError, match="start_urls is required"):
        load_portal(str(path))
