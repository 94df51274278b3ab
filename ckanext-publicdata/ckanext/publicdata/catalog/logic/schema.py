"""Input schemas of the catalog actions."""
from __future__ import annotations

from typing import Any

from ckan.logic.schema import validator_args

from ckanext.publicdata.catalog.model import STATUSES

__all__ = [
    "open_attribute_change_list_schema",
    "open_attribute_change_decision_schema",
    "dataset_citation_schema",
]


@validator_args
def open_attribute_change_list_schema(ignore_missing: Any, unicode_safe: Any, one_of: Any,
                                      natural_number_validator: Any, default: Any) -> dict[str, Any]:
    return {
        "status": [default("pending"), unicode_safe, one_of(list(STATUSES) + ["all"])],
        "package_id": [ignore_missing, unicode_safe],
        "owner_org": [ignore_missing, unicode_safe],
        "limit": [default(50), natural_number_validator],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def open_attribute_change_decision_schema(not_empty: Any, ignore_missing: Any, unicode_safe: Any,
                                          strip_value: Any) -> dict[str, Any]:
    return {
        "id": [not_empty, unicode_safe],
        "comment": [ignore_missing, unicode_safe, strip_value],
    }


@validator_args
def dataset_citation_schema(not_empty: Any, unicode_safe: Any) -> dict[str, Any]:
    return {"id": [not_empty, unicode_safe]}


@validator_args
def publication_dataset_schema(not_empty: Any, unicode_safe: Any) -> dict[str, Any]:
    return {"id": [not_empty, unicode_safe]}


@validator_args
def publication_approve_schema(not_empty: Any, ignore_missing: Any, unicode_safe: Any,
                               strip_value: Any) -> dict[str, Any]:
    return {
        "id": [not_empty, unicode_safe],
        "comment": [ignore_missing, unicode_safe, strip_value],
    }


@validator_args
def publication_override_schema(not_empty: Any, unicode_safe: Any, strip_value: Any) -> dict[str, Any]:
    return {
        "id": [not_empty, unicode_safe],
        "reason": [not_empty, unicode_safe, strip_value],
    }


@validator_args
def publication_list_schema(ignore_missing: Any, unicode_safe: Any, one_of: Any,
                            natural_number_validator: Any, default: Any) -> dict[str, Any]:
    return {
        "status": [ignore_missing, unicode_safe, one_of(["draft", "submitted", "returned", "all"])],
        "limit": [default(50), natural_number_validator],
        "offset": [default(0), natural_number_validator],
    }
