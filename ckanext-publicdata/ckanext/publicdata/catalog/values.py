"""Small value conversions shared by the catalog's validators and hooks."""
from __future__ import annotations

import json
from typing import Any

from ckan.lib.navl.dictization_functions import missing

__all__ = ["as_list"]


def as_list(value: Any) -> list[Any]:
    """A multiple-choice value as a list, whether raw (list or text) or stored as a JSON string."""
    if value is None or value is missing or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [parsed]
    return [value]
