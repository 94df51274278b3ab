"""Validators and input schemas of the ``publicdata_feedback`` plugin: suspension, transparency, use results.

Every rejection says why in Chinese and English.
"""
from __future__ import annotations

import datetime
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args

from ckanext.publicdata.feedback.model.suspension import OUTCOMES

__all__ = [
    "publicdata_suspension_outcome",
    "publicdata_feedback_period_date",
]

Validator = Callable[[Any], Any]


def _required(message: str) -> Validator:
    def validator(value: Any) -> Any:
        if value is None or value is tk.missing or (isinstance(value, str) and not value.strip()):
            raise tk.Invalid(message)
        return value.strip() if isinstance(value, str) else value
    return validator


def publicdata_suspension_outcome(value: Any) -> str:
    """One of withdrawn / restored / reprocessed."""
    if value not in OUTCOMES:
        raise tk.Invalid("处理结果须为撤回数据(withdrawn)、恢复开放(restored)或处理后再开放(reprocessed) / "
                         "The outcome must be withdrawn, restored or reprocessed")
    return value


def publicdata_feedback_period_date(value: Any) -> Any:
    """An ISO date (YYYY-MM-DD), or empty."""
    if value in (None, "") or value is tk.missing:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise tk.Invalid("日期格式须为 YYYY-MM-DD / Dates must be written YYYY-MM-DD")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise tk.Invalid("须为 true 或 false / Must be true or false")


def _bounded_int(low: int, high: int) -> Validator:
    def validator(value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise tk.Invalid(f"须为 {low}–{high} 之间的整数 / Must be a whole number from {low} to {high}")
        if number < low or number > high:
            raise tk.Invalid(f"须为 {low}–{high} 之间的整数 / Must be a whole number from {low} to {high}")
        return number
    return validator


DATASET_REQUIRED = _required("数据集不能为空 / The dataset (id) is required")


@validator_args
def dataset_suspend_schema(ignore_missing: Any, unicode_safe: Any) -> dict[str, Any]:
    return {
        "id": [DATASET_REQUIRED, unicode_safe],
        "reason": [_required("中止开放的原因不能为空 / A reason for the suspension is required"), unicode_safe],
        "ticket_id": [ignore_missing, unicode_safe],
    }


@validator_args
def dataset_suspension_lift_schema(ignore_missing: Any, unicode_safe: Any) -> dict[str, Any]:
    return {
        "id": [DATASET_REQUIRED, unicode_safe],
        "outcome": [_required("处理结果不能为空 / The outcome is required"), publicdata_suspension_outcome],
        "note": [ignore_missing, unicode_safe],
    }


@validator_args
def dataset_suspension_show_schema(unicode_safe: Any) -> dict[str, Any]:
    return {"id": [DATASET_REQUIRED, unicode_safe]}


@validator_args
def dataset_suspension_list_schema(ignore_missing: Any, unicode_safe: Any, default: Any) -> dict[str, Any]:
    return {
        "owner_org": [ignore_missing, unicode_safe],
        "in_force": [default(True), _boolean],
        "limit": [default(50), _bounded_int(1, 1000)],
        "offset": [default(0), _bounded_int(0, 10_000_000)],
    }


@validator_args
def feedback_figures_schema(ignore_missing: Any, unicode_safe: Any) -> dict[str, Any]:
    return {
        "start": [ignore_missing, publicdata_feedback_period_date],
        "end": [ignore_missing, publicdata_feedback_period_date],
        "owner_org": [ignore_missing, unicode_safe],
        "kind": [ignore_missing, unicode_safe],
    }


@validator_args
def handled_list_schema(ignore_missing: Any, unicode_safe: Any, default: Any) -> dict[str, Any]:
    return {
        "kind": [ignore_missing, unicode_safe],
        "package_id": [ignore_missing, unicode_safe],
        "limit": [default(20), _bounded_int(1, 200)],
        "offset": [default(0), _bounded_int(0, 10_000_000)],
    }


@validator_args
def use_result_list_schema(ignore_missing: Any, unicode_safe: Any, default: Any) -> dict[str, Any]:
    return {
        "package_id": [ignore_missing, unicode_safe],
        "featured": [ignore_missing, _boolean],
        "limit": [default(20), _bounded_int(1, 200)],
        "offset": [default(0), _bounded_int(0, 10_000_000)],
    }


@validator_args
def use_result_feature_schema(unicode_safe: Any, default: Any) -> dict[str, Any]:
    return {
        "id": [_required("利用成果不能为空 / The use result (id) is required"), unicode_safe],
        "featured": [default(True), _boolean],
    }
