"""Input schemas of the update-reminder actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator

__all__ = ["overdue_dataset_list"]


@validator_args
def overdue_dataset_list(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {"organization": [ignore_missing, unicode_safe]}
