"""The form names are compared in: a pure text rule, no vocabulary.

The normalizers match 支出功能分类, 经济分类 and 三级指标 names in this form;
a person's decision about such a name is stored under it; and the export
finds, by it, the decision that gave a stored match its target
(``db.export``). So it lives in the shared model, and the vocabularies that
use it stay in ``normalizers`` (``normalizers.review.KEY_OF`` names the key
of every kind of decision).
"""

from __future__ import annotations

import re

from disclosures.model.numbers import fold

# leading enumerators a recognizer may have left: 1. 9、 （一） 十、
_ENUM_RE = re.compile(r"^(\d+\s*[.、]|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、)\s*")
_QUOTES_RE = re.compile(r"[“”\"'‘’「」『』]")


def name_key(text: str) -> str:
    """The form names are compared in: folded, no spaces, quotes or enumerator."""
    s = _QUOTES_RE.sub("", fold(text))
    s = re.sub(r"\s+", "", s)
    s = _ENUM_RE.sub("", s)
    return s.rstrip(":：;；,，.。")
