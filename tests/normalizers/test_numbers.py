"""Numbers as the documents print them: exact round-trips, folding, signs,
placeholders that must never become numbers, and marks that mean "no value"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from disclosures.model.numbers import (
    is_placeholder,
    parse_number,
    text_to_amount,
    text_to_percent,
    unit_scale_from_caption,
)
from hypothesis import given
from hypothesis import strategies as st

AMOUNTS = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)
FULL_WIDTH = str.maketrans("0123456789.,%-()", "０１２３４５６７８９．，％－（）")


def wan(d: Decimal, thousands: bool) -> str:
    return f"{d:,.2f}" if thousands else f"{d:.2f}"


@given(AMOUNTS, st.booleans())
def test_wan_yuan_round_trip(d, thousands):
    # 939.21万元 → 9392100 yuan: exact, whatever the magnitude
    assert text_to_amount(wan(d, thousands) + "万元") == d * 10000


@given(AMOUNTS, st.booleans())
def test_yuan_round_trip_with_thousands_separators(d, thousands):
    assert text_to_amount(wan(d, thousands)) == d
    assert text_to_amount(wan(d, thousands) + "元") == d


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False))
def test_percent_round_trip(d):
    assert text_to_percent(f"{d:.2f}%") == d
    assert text_to_percent(f"{d:.2f}") == d


@given(AMOUNTS, st.booleans())
def test_full_width_digits_parse_like_ascii(d, thousands):
    text = wan(d, thousands)
    assert parse_number(text.translate(FULL_WIDTH)) == parse_number(text) == d


@given(AMOUNTS.filter(lambda d: d != 0), st.sampled_from(["-{}", "－{}", "({})", "（{}）"]))
def test_negative_forms(d, form):
    assert parse_number(form.format(wan(d, True))) == -d


@given(AMOUNTS, st.sampled_from(["**", "*", "XX", "xx", "××", "＊＊"]), st.sampled_from(["", "%", "万元"]))
def test_placeholders_never_become_numbers(d, mark, suffix):
    # 授予小微企业合同金额**万元, 增长0.01*% (seed): a placeholder anywhere in the cell
    for text in (mark + suffix, f"{d:.2f}{mark}{suffix}", f"{mark}{d:.2f}{suffix}"):
        assert is_placeholder(text)
        with pytest.raises(ValueError, match="placeholder"):
            text_to_amount(text) if suffix == "万元" else parse_number(text)


@pytest.mark.parametrize("text", ["", " ", "-", "－", "—", "——", "–", "/", "－－", "--"])
def test_blank_and_dash_mean_no_value(text):
    assert parse_number(text) is None
    assert text_to_amount(text) is None
    assert text_to_amount(text + "万元" if text.strip() else text) is None


@pytest.mark.parametrize("text", ["abc", "12.3.4", "1e5", "百分之十"])
def test_non_numbers_raise_naming_the_text(text):
    with pytest.raises(ValueError, match=repr(text)[1:-1]):
        parse_number(text)


def test_seed_values():
    assert text_to_amount("939.21万元") == 9392100
    assert text_to_percent("85.90%") == Decimal("85.90")
    assert unit_scale_from_caption("金额单位：万元") == "万元"
    assert unit_scale_from_caption("单位: 元") == "元"
