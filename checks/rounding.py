"""How far a printed figure may be from the true one: half its last printed unit.

The precision is read from the figure's own source text (its provenance):
``939.21万元`` may be off by 50 yuan, ``104万元`` by 5000, a table cell
``2,946.25`` under 单位：万元 by 50. A bare ``0`` is exact: the documents write 0
for nothing spent. Percentages are allowed a whole last unit (``72%`` ±1,
``10.15%`` ±0.01): authors truncate as often as they round (江苏省人民检察院
2019 预算 p.25: 2228.78 / 21940.96 = 10.158% printed ``10.15%``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from disclosures.checks.rules import TOL
from disclosures.model.layout import Provenance
from disclosures.model.numbers import UNIT_FACTORS

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
UNIT_IN_TEXT = re.compile(r"亿元|万元|千元|元")
HALF = Decimal("0.5")


def printed_number(text: str) -> tuple[Decimal, int] | None:
    """The last number in ``text`` and its count of decimals."""
    found = NUMBER.findall(text.replace(" ", ""))
    if not found:
        return None
    raw = found[-1].replace(",", "")
    decimals = len(raw.partition(".")[2])
    return Decimal(raw), decimals


def amount_slack(value: Decimal, prov: Provenance) -> Decimal:
    """Half the last printed unit of an amount, in yuan."""
    printed = printed_number(prov.text)
    if printed is None:
        return TOL.amount_rounding_yuan
    number, decimals = printed
    unit = UNIT_IN_TEXT.search(prov.text)
    if unit is not None:
        scale = UNIT_FACTORS[unit.group(0)]
    elif number != 0:
        scale = abs(value) / number  # a table cell: the caption's unit is in the value already
    else:
        return TOL.amount_rounding_yuan
    if number == 0 and decimals == 0:
        return Decimal(0)
    return scale * HALF * Decimal(1).scaleb(-decimals)


def percent_slack(prov: Provenance) -> Decimal:
    """The last printed unit of a percentage (1 for ``72%``): rounded or truncated."""
    printed = printed_number(prov.text)
    if printed is None:
        return 2 * TOL.percent_rounding
    return Decimal(1).scaleb(-printed[1])


def ratio_slack(part: Decimal, s_part: Decimal, whole: Decimal, s_whole: Decimal) -> Decimal:
    """How far 100 × part / whole may move when both are off by their slack."""
    whole = abs(whole)
    return 100 * (s_part / whole + abs(part) * s_whole / whole ** 2)
