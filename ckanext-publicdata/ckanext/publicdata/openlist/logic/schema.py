"""Input schemas of the open-list actions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator

__all__ = ["open_list_show", "open_list_publish", "open_list_sync", "year_validator", "listed_attribute_validator"]

FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_validator(value: Any) -> int:
    """A calendar year between 2000 and 2100, with a bilingual error."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise tk.Invalid("年度必须是四位数字年份 / The year must be a four-digit year")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise tk.Invalid(f"年度须在 {FIRST_YEAR}–{LAST_YEAR} 之间 / The year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return year


def listed_attribute_validator(value: Any) -> str:
    """The open list publishes 无条件开放 and 有条件开放 only (不予开放 is never public)."""
    if value not in ("unconditional", "conditional"):
        raise tk.Invalid("开放属性只能是无条件开放或有条件开放 / The open attribute must be unconditional or conditional")
    return value


@validator_args
def open_list_show(ignore_missing: Validator, unicode_safe: Validator, boolean_validator: Validator) -> Schema:
    return {
        "year": [ignore_missing, year_validator],
        "organization": [ignore_missing, unicode_safe],
        "open_attribute": [ignore_missing, unicode_safe, listed_attribute_validator],
        "include_removed": [ignore_missing, boolean_validator],
    }


@validator_args
def open_list_publish(not_missing: Validator, ignore_missing: Validator, boolean_validator: Validator) -> Schema:
    return {
        "year": [not_missing, year_validator],
        "draft": [ignore_missing, boolean_validator],
    }


@validator_args
def open_list_sync(not_missing: Validator) -> Schema:
    return {"year": [not_missing, year_validator]}
