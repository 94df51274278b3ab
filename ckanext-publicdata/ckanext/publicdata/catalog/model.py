"""Tables of the catalog capability.

``publicdata_open_attribute_change``: a requested downgrade of a dataset's open attribute (TAX-6) and the
authority's decision. No foreign keys to core tables (CKAN's best practice); package and organization ids are
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
           "STATUSES"]

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
