"""Numbers and units as Chinese budget disclosures write them.

``939.21万元`` → 9392100 yuan exactly (``Decimal``, never float); full-width
digits and signs (``１２．５``, ``－``) are folded; ``—``, ``/``, ``-`` and blank
mean "no value"; template placeholders (``**万元``, ``0.01*%``, ``XX``, ``××``)
are *not* numbers: ``is_placeholder`` tells them apart so the caller can emit
a finding instead of a value.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation, localcontext

# digits of Decimal arithmetic here: far above any printed figure, so scaling is exact
EXACT_PRECISION = 80

UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal(1),
    "万元": Decimal(10_000),
    "亿元": Decimal(100_000_000),
    "千元": Decimal(1_000),
}

# Cells and phrases that mean "nothing here" rather than zero.
EMPTY_MARKS = {"", "-", "—", "——", "/", "－", "–", "…", "无", "空"}

# a run of dashes (``－－``, ``--``) is the "no value" dash typed twice, not a number
_DASH_RUN_RE = re.compile(r"^[-—–―─/…]+$")
_PLACEHOLDER_RE = re.compile(r"(\*{1,}|[xX]{2,}|×{2,}|＊+)")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def fold(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; trims spaces."""
    text = unicodedata.normalize("NFKC", text)
    return (text.replace("−", "-").replace("－", "-").replace("﹣", "-")
            .replace("。", ".").strip())


def is_placeholder(text: str) -> bool:
    """True when ``text`` holds a template placeholder where a number belongs."""
    return bool(_PLACEHOLDER_RE.search(fold(text)))


def parse_number(text: str) -> Decimal | None:
    """Parse a bare number (``1,234.50``, ``－3``, ``(12)``, ``12.5%`` → 12.5).

    Returns ``None`` for the marks that mean "no value". Raises ``ValueError``
    naming the text for anything else that is not a number, placeholders
    included.
    """
    raw = text
    s = fold(text).replace(",", "").replace("，", "").replace(" ", "")
    if s in EMPTY_MARKS or _DASH_RUN_RE.match(s):
        return None
    if is_placeholder(s):
        raise ValueError(f"placeholder where a number belongs: {raw!r}")
    if s.endswith("%"):
        s = s[:-1]
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if not _NUMBER_RE.match(s):
        raise ValueError(f"not a number: {raw!r}")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise ValueError(f"not a number: {raw!r}") from exc
    return -value if negative else value


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Scale an amount in ``unit`` (元, 万元, 亿元, 千元) to yuan, exactly."""
    try:
        factor = UNIT_FACTORS[unit]
    except KeyError:
        raise ValueError(f"unknown money unit: {unit!r}") from None
    with localcontext() as ctx:
        ctx.prec = EXACT_PRECISION
        return normalize_decimal(value * factor)


def text_to_amount(text: str, default_unit: str = "元") -> Decimal | None:
    """``939.21万元`` → 9392100; a bare number is read in ``default_unit``."""
    s = fold(text).replace(",", "").replace(" ", "")
    unit = default_unit
    for name in sorted(UNIT_FACTORS, key=len, reverse=True):
        if s.endswith(name):
            s, unit = s[: -len(name)], name
            break
    value = parse_number(s)
    return None if value is None else to_yuan(value, unit)


def text_to_percent(text: str) -> Decimal | None:
    """``85.90%`` → 85.90; ``0.01*%`` raises (placeholder)."""
    return parse_number(text)


def normalize_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation."""
    with localcontext() as ctx:
        # a number a document prints is never too long to stay exact; whether
        # the database can hold it is the store's question, not the parser's
        ctx.prec = EXACT_PRECISION
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


def unit_scale_from_caption(text: str) -> str | None:
    """The money unit a table caption declares: ``单位：万元`` → ``万元``."""
    m = re.search(r"(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元)", fold(text))
    return m.group(1) if m else None
