"""Chained core actions of the catalog: blank repeating rows are dropped before validation (form, API, harvest)."""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog.form_cleanup import drop_blank_repeating_rows

__all__ = ["package_create", "package_update"]


def _is_catalog_dataset(data_dict: dict[str, Any]) -> bool:
    return (data_dict.get("type") or "dataset") == "dataset"


@tk.chained_action
def package_create(up_func: Callable[..., Any], context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """CKAN's package_create, without the blank data-item rows of the form (see catalog.form_cleanup)."""
    if isinstance(data_dict, dict) and _is_catalog_dataset(data_dict):
        drop_blank_repeating_rows(data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def package_update(up_func: Callable[..., Any], context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """CKAN's package_update, without the blank data-item rows of the form (see catalog.form_cleanup)."""
    if isinstance(data_dict, dict) and _is_catalog_dataset(data_dict):
        drop_blank_repeating_rows(data_dict)
    return up_func(context, data_dict)
