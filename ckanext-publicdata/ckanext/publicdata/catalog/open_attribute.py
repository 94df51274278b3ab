"""The open-attribute rules (TAX-1, TAX-4, TAX-5, TAX-6) shared by validators, hooks and actions.

Downgrade lock (TAX-6): lowering a dataset's openness (unconditional → conditional / not_open, conditional →
not_open) is a *request*. The validator keeps the stored attribute on the dataset and leaves a note in the
action context; the ``after_dataset_update`` hook records the request in the same transaction. The authority
approves (the change is applied) or rejects it. Raising openness applies at once.
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any, Optional

import ckan.model as model

from ckanext.publicdata import config
from ckanext.publicdata.catalog.model import (
    STATUS_PENDING,
    STATUS_SUPERSEDED,
    OpenAttributeChange,
)

__all__ = [
    "UNCONDITIONAL",
    "CONDITIONAL",
    "NOT_OPEN",
    "OPENNESS",
    "REQUESTED_FIELDS",
    "DATA_STATE_KEY",
    "CONTEXT_APPROVED",
    "is_downgrade",
    "discriminatory_match",
    "record_change_request",
    "supersede_pending",
]

UNCONDITIONAL = "unconditional"
CONDITIONAL = "conditional"
NOT_OPEN = "not_open"
# higher is more open
OPENNESS = {NOT_OPEN: 0, CONDITIONAL: 1, UNCONDITIONAL: 2}

# fields that belong to the requested attribute and are applied with it on approval
REQUESTED_FIELDS = ("open_conditions", "open_conditions_text", "not_open_basis", "usage_requirements")

# key in the validated dataset dict through which the validators tell the update hook what was asked for
# (navl validates with a copy of the context, so the context cannot carry it)
DATA_STATE_KEY = "publicdata_open_attribute_state"
# context key set by the approve action (the API cannot set context, so a caller cannot forge it)
CONTEXT_APPROVED = "publicdata_open_attribute_change_approved"


def is_downgrade(stored: Optional[str], requested: Optional[str]) -> bool:
    """True when ``requested`` is less open than ``stored`` (both known attribute codes)."""
    if stored not in OPENNESS or requested not in OPENNESS:
        return False
    return OPENNESS[requested] < OPENNESS[stored]


def discriminatory_match(text: str) -> Optional[str]:
    """The part of ``text`` that conditions access on an applicant's size or region, if any (TAX-4)."""
    if not text:
        return None
    compact = re.sub(r"\s+", "", text)
    for pattern in config.discriminatory_condition_patterns():
        try:
            found = re.search(pattern, compact, flags=re.IGNORECASE)
        except re.error:
            found = re.search(re.escape(pattern), compact, flags=re.IGNORECASE)
        if found:
            return found.group(0)
    return None


def supersede_pending(package_id: str, user_id: Optional[str], reason: str) -> None:
    """Close any pending request of the dataset without applying it (a newer change replaced it)."""
    now = datetime.datetime.utcnow()
    for change in (model.Session.query(OpenAttributeChange)
                   .filter(OpenAttributeChange.package_id == package_id,
                           OpenAttributeChange.status == STATUS_PENDING)):
        change.status = STATUS_SUPERSEDED
        change.decided_at = now
        change.decided_by = user_id
        change.decision_comment = reason


def record_change_request(
    package_id: str,
    owner_org: Optional[str],
    from_attribute: str,
    to_attribute: str,
    requested_fields: dict[str, Any],
    user_id: Optional[str],
) -> OpenAttributeChange:
    """Add (not commit) a pending downgrade request; an identical pending one is kept instead of duplicated."""
    pending = OpenAttributeChange.pending_for(package_id)
    fields_json = json.dumps(requested_fields, ensure_ascii=False, sort_keys=True)
    if pending is not None and pending.to_attribute == to_attribute and pending.from_attribute == from_attribute:
        pending.requested_fields = fields_json
        return pending
    supersede_pending(package_id, user_id, "replaced by a newer request / 已被新的申请取代")
    change = OpenAttributeChange(
        package_id=package_id,
        owner_org=owner_org,
        from_attribute=from_attribute,
        to_attribute=to_attribute,
        requested_fields=fields_json,
        status=STATUS_PENDING,
        requested_by=user_id,
        requested_at=datetime.datetime.utcnow(),
    )
    model.Session.add(change)
    return change
