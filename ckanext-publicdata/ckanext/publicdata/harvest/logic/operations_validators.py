"""Validators of the ``publicdata_harvest`` plugin: operations (and the schemas of its actions)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["publicdata_harvest_minutes"]


def publicdata_harvest_minutes(value: Any) -> Any:
    """A whole number of minutes, 0 or more (empty: the configured default)."""
    if value in (None, ""):
        return None
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise tk.Invalid("分钟数必须是整数 / Minutes must be a whole number")
    if minutes < 0:
        raise tk.Invalid("分钟数不能为负数 / Minutes cannot be negative")
    return minutes


def progress_schema() -> dict[str, Any]:
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"id": [not_empty, unicode_safe]}


def source_errors_schema() -> dict[str, Any]:
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    boolean_validator = tk.get_validator("boolean_validator")
    return {
        "id": [not_empty, unicode_safe],
        "job_id": [ignore_missing, unicode_safe],
        "all_jobs": [ignore_missing, boolean_validator],
        "records_per_group": [ignore_missing, tk.get_validator("int_validator"),
                              tk.get_validator("is_positive_integer")],
    }


def source_status_schema() -> dict[str, Any]:
    return {
        "id": [tk.get_validator("not_empty"), tk.get_validator("unicode_safe")],
        "jobs": [tk.get_validator("ignore_missing"), tk.get_validator("int_validator"),
                 tk.get_validator("is_positive_integer")],
    }


def stuck_schema() -> dict[str, Any]:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    return {
        "minutes": [ignore_missing, publicdata_harvest_minutes],
        "source_id": [ignore_missing, unicode_safe],
        "job_id": [ignore_missing, unicode_safe],
        "resume": [ignore_missing, tk.get_validator("boolean_validator")],
        "reason": [ignore_missing, unicode_safe],
    }
