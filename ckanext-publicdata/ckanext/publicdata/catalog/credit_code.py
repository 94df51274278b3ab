"""Unified social credit code (统一社会信用代码) per GB 32100-2015.

18 characters from the set 0-9 and A-Z without I, O, S, V, Z: registration authority (1), organization
category (1), administrative division of the registering office (6, digits), subject identifier (9, the
GB 11714 organization code), check character (1). The check character is
``31 - (sum(value(c_i) * 3**(i-1) mod 31) mod 31)``, with 31 written as 0.
"""
from __future__ import annotations

import re

__all__ = ["CHARSET", "check_character", "is_valid_unified_credit_code", "normalise"]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: index for index, char in enumerate(CHARSET)}
_WEIGHTS = [pow(3, position, 31) for position in range(17)]
_SHAPE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$")


def normalise(code: str) -> str:
    """Upper-case and drop spaces, the two slips people make when typing a code."""
    return re.sub(r"\s+", "", code or "").upper()


def check_character(first_seventeen: str) -> str:
    """The check character for the first 17 characters of a code."""
    if len(first_seventeen) != 17 or any(char not in _VALUES for char in first_seventeen):
        raise ValueError("expected 17 characters from the GB 32100 character set")
    total = sum(_VALUES[char] * weight for char, weight in zip(first_seventeen, _WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def is_valid_unified_credit_code(code: str) -> bool:
    """True when ``code`` has the GB 32100 shape and its 18th character checks out."""
    if not isinstance(code, str) or not _SHAPE.match(code):
        return False
    return check_character(code[:17]) == code[17]
