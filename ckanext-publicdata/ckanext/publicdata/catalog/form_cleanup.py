"""Blank rows of repeating fields (数据项 ``data_items``) are dropped before validation, never validated.

The dataset form always shows one blank data-item row, and without JavaScript it also posts scheming's hidden row
template (``data_items-REPEATING-INDEX0-…``). A row whose text subfields are all blank is not a data item: it is
dropped, whatever its choice subfields (``field_type``) hold, so it cannot fail "英文名称: 缺失值". The clean-up
runs in chained ``package_create`` / ``package_update`` (so the form, the API and harvest behave the same) and
accepts both shapes a dataset dict arrives in: a list of dicts, or the form's flat ``field-index-subfield`` keys.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["repeating_fields", "drop_blank_repeating_rows"]

_FORM_KEY = re.compile(r"^(?P<field>[^-]+)-(?P<index>[^-]+)-(?P<subfield>.+)$")


def repeating_fields() -> dict[str, set[str]]:
    """field name → its text subfields (those without choices), for every repeating field of the schema."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset") or {}
    result: dict[str, set[str]] = {}
    for field in schema.get("dataset_fields", []):
        subfields = field.get("repeating_subfields")
        if subfields:
            result[field["field_name"]] = {
                subfield["field_name"] for subfield in subfields
                if not subfield.get("choices") and not subfield.get("choices_helper")}
    return result


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _row_is_blank(row: Any, text_subfields: set[str]) -> bool:
    if not isinstance(row, dict):
        return False
    return all(_blank(row.get(name)) for name in text_subfields)


def drop_blank_repeating_rows(data_dict: dict[str, Any]) -> dict[str, Any]:
    """Remove blank rows (and the form's row template) from ``data_dict`` in place; returns it."""
    for field, text_subfields in repeating_fields().items():
        rows = data_dict.get(field)
        if isinstance(rows, list):
            data_dict[field] = [row for row in rows if not _row_is_blank(row, text_subfields)]
        form_rows: dict[str, dict[str, Any]] = {}
        for key in [key for key in data_dict if isinstance(key, str) and key.startswith(field + "-")]:
            match = _FORM_KEY.match(key)
            if match is None or match.group("field") != field:
                continue
            form_rows.setdefault(match.group("index"), {})[match.group("subfield")] = key
        if not form_rows:
            continue
        kept = sorted((index for index, keys in form_rows.items()
                       if index.isdigit()
                       and not _row_is_blank({name: data_dict[key] for name, key in keys.items()}, text_subfields)),
                      key=int)
        values = {index: {name: data_dict.pop(key) for name, key in form_rows[index].items()} for index in form_rows}
        for position, index in enumerate(kept):  # renumbered 0..n-1 in their order
            for name, value in values[index].items():
                data_dict[f"{field}-{position}-{name}"] = value
    return data_dict
