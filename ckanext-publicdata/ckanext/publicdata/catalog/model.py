"""Tables of the catalog capability.

``publicdata_open_attribute_change``: a requested downgrade of a dataset's open attribute (TAX-6) and the
authority's decision. ``publicdata_catalog_change``: a catalog change a provider files after a legal or mandate
change (TAX-7) with its two working-day deadlines and the authority's decision. ``publicdata_publication_review``: the review cycles of a dataset's publication (TAX-13)
with the personal-information scan report (SEC-1). No foreign keys to core tables (CKAN's best practice); package and organization ids are
plain text and the row survives the dataset.
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

__all__ = ["OpenAttributeChange", "STATUS_PENDING", "STATUS_APPROVED", "STATUS_REJECTED", "STATUS_SUPERSEDED",
           "STATUSES", "PublicationReview", "PUBLICATION_DRAFT", "PUBLICATION_SUBMITTED", "PUBLICATION_PUBLISHED",
           "PUBLICATION_RETURNED", "PUBLICATION_STATUSES", "CatalogChange", "CHANGE_KINDS", "CHANGE_CAUSES",
           "CHANGE_STATUSES", "CHANGE_CANCELLED"]

STATUS_PENDING = "pending"
STATUS_APPROVED = "approved"
STATUS_REJECTED = "rejected"
STATUS_SUPERSEDED = "superseded"
STATUSES = (STATUS_PENDING, STATUS_APPROVED, STATUS_REJECTED, STATUS_SUPERSEDED)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


class OpenAttributeChange(tk.BaseModel):
    """One request to lower a dataset's open attribute, and what the authority decided."""

    __tablename__ = "publicdata_open_attribute_change"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    owner_org: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    from_attribute: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    to_attribute: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    # the fields that go with the requested attribute (conditions, legal basis), applied on approval
    requested_fields: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="{}")  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=STATUS_PENDING, index=True)
    requested_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    requested_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    decided_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    decided_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    decision_comment: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    @classmethod
    def get(cls, change_id: str) -> Optional["OpenAttributeChange"]:
        if not change_id:
            return None
        return model.Session.get(cls, change_id)

    @classmethod
    def pending_for(cls, package_id: str) -> Optional["OpenAttributeChange"]:
        return (
            model.Session.query(cls)
            .filter(cls.package_id == package_id, cls.status == STATUS_PENDING)
            .order_by(cls.requested_at.desc())
            .first()
        )

    def fields(self) -> dict[str, Any]:
        try:
            return json.loads(self.requested_fields or "{}")
        except ValueError:
            return {}

    def dictize(self) -> dict[str, Any]:
        def user_name(user_id: Optional[str]) -> Optional[str]:
            user = model.User.get(user_id) if user_id else None
            return user.name if user else user_id

        return {
            "id": self.id,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "from_attribute": self.from_attribute,
            "to_attribute": self.to_attribute,
            "requested_fields": self.fields(),
            "status": self.status,
            "requested_by": user_name(self.requested_by),
            "requested_at": self.requested_at.isoformat() if self.requested_at else None,
            "decided_by": user_name(self.decided_by),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decision_comment": self.decision_comment,
        }


# ------------------------------------------------------------------ publication review (TAX-13, SEC-1)

PUBLICATION_DRAFT = "draft"
PUBLICATION_SUBMITTED = "submitted"
PUBLICATION_PUBLISHED = "published"
PUBLICATION_RETURNED = "returned"
PUBLICATION_STATUSES = (PUBLICATION_DRAFT, PUBLICATION_SUBMITTED, PUBLICATION_PUBLISHED, PUBLICATION_RETURNED)

# how a review cycle ended (or, for ``pii_hit``, why it began)
DECISION_APPROVED = "approved"
DECISION_RETURNED = "returned"
DECISION_OVERRIDDEN = "overridden"   # the authority published despite personal-information hits
DECISION_AUTO = "auto"               # created by a trusted actor: published at once
DECISION_PII_HIT = "pii_hit"         # a resource change on a published dataset found personal information


class PublicationReview(tk.BaseModel):
    """One review cycle of a dataset's publication: opened (draft), submitted, then published or returned.

    A dataset's publication status is the status of its newest row; a dataset without rows (created before the
    review existed, or by a trusted actor) counts as published. Resubmitting after a return opens a new row, so
    every return and its reasons stay on record.
    """

    __tablename__ = "publicdata_publication_review"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    owner_org: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=PUBLICATION_DRAFT, index=True)
    # why the cycle was opened: "created", "open_attribute_changed", "pii_hit", "resubmitted"
    cause: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    created_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    submitted_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    submitted_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    decided_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    decided_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    decision: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # JSON list of strings (the authority's reasons and opinions)
    reasons: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # JSON: {"clean": bool, "resources": [{"resource_id", "name", "format", "report": PiiReport.as_dict()}]}
    pii_report: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    override_reason: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    @classmethod
    def current(cls, package_id: str) -> Optional["PublicationReview"]:
        """The newest review cycle of a dataset, or None."""
        if not package_id:
            return None
        return (
            model.Session.query(cls)
            .filter(cls.package_id == package_id)
            .order_by(cls.created.desc())
            .first()
        )

    @classmethod
    def status_of(cls, package_id: str) -> str:
        current = cls.current(package_id)
        return current.status if current is not None else PUBLICATION_PUBLISHED

    def reason_list(self) -> list[str]:
        try:
            value = json.loads(self.reasons or "[]")
        except ValueError:
            return [self.reasons] if self.reasons else []
        return [str(item) for item in value] if isinstance(value, list) else [str(value)]

    def report(self) -> Optional[dict[str, Any]]:
        if not self.pii_report:
            return None
        try:
            return json.loads(self.pii_report)
        except ValueError:
            return None

    def dictize(self) -> dict[str, Any]:
        def user_name(user_id: Optional[str]) -> Optional[str]:
            user = model.User.get(user_id) if user_id else None
            return user.name if user else user_id

        def iso(value: Optional[datetime.datetime]) -> Optional[str]:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "status": self.status,
            "cause": self.cause,
            "created": iso(self.created),
            "created_by": user_name(self.created_by),
            "submitted_by": user_name(self.submitted_by),
            "submitted_at": iso(self.submitted_at),
            "decided_by": user_name(self.decided_by),
            "decided_at": iso(self.decided_at),
            "decision": self.decision,
            "reasons": self.reason_list(),
            "pii_report": self.report(),
            "override_reason": self.override_reason,
        }


# ------------------------------------------------------------------ catalog change requests (TAX-7)

CHANGE_MODIFY = "modify"      # 修改: fields of the catalog entry change
CHANGE_WITHDRAW = "withdraw"  # 删减: the entry leaves the catalog (the dataset is deleted)
CHANGE_KINDS = (CHANGE_MODIFY, CHANGE_WITHDRAW)

CAUSE_LAW_AMENDED = "law_amended"          # 法律法规修改
CAUSE_MANDATE_CHANGED = "mandate_changed"  # 职能职责变更
CHANGE_CAUSES = (CAUSE_LAW_AMENDED, CAUSE_MANDATE_CHANGED)

CHANGE_CANCELLED = "cancelled"  # withdrawn by the provider before the decision
CHANGE_STATUSES = (STATUS_PENDING, STATUS_APPROVED, STATUS_REJECTED, CHANGE_CANCELLED)


class CatalogChange(tk.BaseModel):
    """One catalog change request (目录变更申请, BZ-R 8, ZB 10, BZ-M 11): what changes, the legal or mandate change
    that causes it and its date, both deadlines as computed on filing, and the authority's decision."""

    __tablename__ = "publicdata_catalog_change"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    owner_org: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    kind: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default=CHANGE_MODIFY)  # type: ignore[assignment]
    # JSON object: field name → requested value (empty for a withdrawal)
    changes: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="{}")  # type: ignore[assignment]
    # JSON object: the same fields' values when the request was filed, then when it was applied
    previous: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="{}")  # type: ignore[assignment]
    cause: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    basis: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    cause_date: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    description: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    provider_due_date: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    filed_late: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)  # type: ignore[assignment]
    authority_due_date: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=STATUS_PENDING, index=True)
    requested_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    requested_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    decided_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    decided_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    decision_comment: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # the downgrade request (TAX-6) an approved change left for the authority, if any
    open_attribute_change_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    @classmethod
    def get(cls, change_id: str) -> Optional["CatalogChange"]:
        if not change_id:
            return None
        return model.Session.get(cls, change_id)

    @classmethod
    def pending_for(cls, package_id: str) -> Optional["CatalogChange"]:
        return (model.Session.query(cls)
                .filter(cls.package_id == package_id, cls.status == STATUS_PENDING)
                .order_by(cls.requested_at.desc())
                .first())

    @staticmethod
    def _json(value: Optional[str]) -> dict[str, Any]:
        try:
            parsed = json.loads(value or "{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}

    def change_dict(self) -> dict[str, Any]:
        return self._json(self.changes)

    def previous_dict(self) -> dict[str, Any]:
        return self._json(self.previous)

    def dictize(self) -> dict[str, Any]:
        def user_name(user_id: Optional[str]) -> Optional[str]:
            user = model.User.get(user_id) if user_id else None
            return user.name if user else user_id

        return {
            "id": self.id,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "kind": self.kind,
            "changes": self.change_dict(),
            "previous": self.previous_dict(),
            "cause": self.cause,
            "basis": self.basis,
            "cause_date": self.cause_date.isoformat() if self.cause_date else None,
            "description": self.description,
            "provider_due_date": self.provider_due_date.isoformat() if self.provider_due_date else None,
            "filed_late": bool(self.filed_late),
            "authority_due_date": self.authority_due_date.isoformat() if self.authority_due_date else None,
            "status": self.status,
            "requested_by": user_name(self.requested_by),
            "requested_at": self.requested_at.isoformat() if self.requested_at else None,
            "decided_by": user_name(self.decided_by),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decision_comment": self.decision_comment,
            "open_attribute_change_id": self.open_attribute_change_id,
        }
