"""Validation schemas of the notification actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator


@validator_args
def notification_list(
    ignore_missing: Validator, boolean_validator: Validator, natural_number_validator: Validator,
    limit_to_configured_maximum: Validator,
) -> Schema:
    return {
        "unread_only": [ignore_missing, boolean_validator],
        "limit": [ignore_missing, natural_number_validator, limit_to_configured_maximum("", 100)],
        "offset": [ignore_missing, natural_number_validator],
    }


@validator_args
def notification_mark_read(ignore_missing: Validator, boolean_validator: Validator) -> Schema:
    return {
        "ids": [ignore_missing],
        "all": [ignore_missing, boolean_validator],
    }
