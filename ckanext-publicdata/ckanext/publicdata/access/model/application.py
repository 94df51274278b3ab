"""Applications for conditionally open data (有条件开放数据获取申请, ACC-3 … ACC-6) and their history.

``publicdata_access_request``: the application — what is asked for, its status and its two review deadlines.
``publicdata_access_request_event``: one row per transition (who, when, from, to, why) — the request's record.
No foreign keys to core tables: an application's record survives its dataset.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from ckanext.publicdata.access.model._common import iso, utcnow

__all__ = ["AccessRequest", "AccessRequestEvent"]


class AccessRequest(tk.BaseModel):
    """One application by one user for one dataset."""

    __tablename__ = "publicdata_access_request"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    user_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    owner_org: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="draft", index=True)  # type: ignore[assignment]
    title: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    reason: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    request_type: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="dataset")  # type: ignore[assignment]
    period_start: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]
    period_end: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]
    result_form: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    scenario: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    # {open condition code: the applicant's response}
    condition_responses: Mapped[dict[str, str]] = sa.Column(sa.JSON, nullable=False, default=dict)  # type: ignore[assignment]
    # commitment codes the applicant accepted (truth, compliance, security, purpose_bound)
    commitments: Mapped[list[str]] = sa.Column(sa.JSON, nullable=False, default=list)  # type: ignore[assignment]
    attachments: Mapped[list[dict[str, Any]]] = sa.Column(sa.JSON, nullable=False, default=list)  # type: ignore[assignment]
    # identity at submission (applicant type, legal name, number) so the record does not change with the profile
    applicant_type: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    applicant_name: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    applicant_number: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    submitted_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    formal_due: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]
    formal_reviewed_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    formal_reviewed_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    return_reasons: Mapped[list[str]] = sa.Column(sa.JSON, nullable=False, default=list)  # type: ignore[assignment]
    provider_due: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]
    decided_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    decided_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    decision_reasons: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    legal_basis: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    approved_purpose: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    approved_scope: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    closed_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)  # type: ignore[assignment]
    modified: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    @classmethod
    def get(cls, request_id: str) -> Optional["AccessRequest"]:
        if not request_id:
            return None
        return model.Session.get(cls, request_id)

    def events(self) -> list["AccessRequestEvent"]:
        return (model.Session.query(AccessRequestEvent)
                .filter(AccessRequestEvent.request_id == self.id)
                .order_by(AccessRequestEvent.at, AccessRequestEvent.sequence).all())

    def stored_fields(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "status": self.status,
            "title": self.title,
            "reason": self.reason,
            "request_type": self.request_type,
            "period_start": iso(self.period_start),
            "period_end": iso(self.period_end),
            "result_form": self.result_form,
            "scenario": self.scenario,
            "condition_responses": dict(self.condition_responses or {}),
            "commitments": list(self.commitments or []),
            "attachments": [dict(item) for item in (self.attachments or [])],
            "applicant_type": self.applicant_type,
            "applicant_name": self.applicant_name,
            "submitted_at": iso(self.submitted_at),
            "formal_due": iso(self.formal_due),
            "formal_reviewed_at": iso(self.formal_reviewed_at),
            "formal_reviewed_by": self.formal_reviewed_by,
            "return_reasons": list(self.return_reasons or []),
            "provider_due": iso(self.provider_due),
            "decided_at": iso(self.decided_at),
            "decided_by": self.decided_by,
            "decision_reasons": self.decision_reasons,
            "legal_basis": self.legal_basis,
            "approved_purpose": self.approved_purpose,
            "approved_scope": self.approved_scope,
            "closed_at": iso(self.closed_at),
            "created": iso(self.created),
            "modified": iso(self.modified),
        }


class AccessRequestEvent(tk.BaseModel):
    """One transition of an application: who moved it from which status to which, when and why."""

    __tablename__ = "publicdata_access_request_event"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    request_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    sequence: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=0)  # type: ignore[assignment]
    action: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    from_status: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    to_status: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    actor_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    at: Mapped[datetime.datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)  # type: ignore[assignment]
    reasons: Mapped[list[str]] = sa.Column(sa.JSON, nullable=False, default=list)  # type: ignore[assignment]
    note: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    def dictize(self) -> dict[str, Any]:
        actor = model.User.get(self.actor_id) if self.actor_id else None
        return {
            "id": self.id,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "actor_id": self.actor_id,
            "actor_name": actor.name if actor else None,
            "actor_display_name": actor.display_name if actor else None,
            "at": iso(self.at),
            "reasons": list(self.reasons or []),
            "note": self.note,
        }
