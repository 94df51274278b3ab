"""``publicdata_feedback_suspension``: one suspension of a dataset's opening (中止开放, FB-2/FB-3) and how it ended.

A row is *in force* while ``lifted_at`` is empty. It ends with an outcome: ``withdrawn`` (撤回数据: the dataset
leaves the public catalog), ``restored`` (恢复开放) or ``reprocessed`` (处理后再开放: reopened after a new
resource version; ``changed_resources`` lists the resources replaced while suspended). ``ticket_id`` names the
rights complaint (权益申诉) that caused it; a suspension for a leak found by the provider or the authority (FB-3,
SEC-2) has none. No foreign keys to core tables.
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

__all__ = [
    "Suspension",
    "OUTCOME_WITHDRAWN",
    "OUTCOME_RESTORED",
    "OUTCOME_REPROCESSED",
    "OUTCOMES",
    "CAUSE_RIGHTS_COMPLAINT",
    "CAUSE_SECURITY",
    "CAUSES",
]

OUTCOME_WITHDRAWN = "withdrawn"
OUTCOME_RESTORED = "restored"
OUTCOME_REPROCESSED = "reprocessed"
OUTCOMES = (OUTCOME_WITHDRAWN, OUTCOME_RESTORED, OUTCOME_REPROCESSED)

CAUSE_RIGHTS_COMPLAINT = "rights_complaint"  # BZ-R 22 / SU 38
CAUSE_SECURITY = "security"  # a leak or leak risk found (BZ-R 23)
CAUSES = (CAUSE_RIGHTS_COMPLAINT, CAUSE_SECURITY)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


class Suspension(tk.BaseModel):
    """A dataset's opening suspended at once, and the outcome that ended the suspension."""

    __tablename__ = "publicdata_feedback_suspension"
    __table_args__ = (  # at most one suspension in force per dataset
        sa.Index("ux_publicdata_feedback_suspension_in_force", "package_id", unique=True,
                 postgresql_where=sa.text("lifted_at IS NULL")),
    )

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    owner_org: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    ticket_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    cause: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=CAUSE_RIGHTS_COMPLAINT)
    reason: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    suspended_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    suspended_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    lifted_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    lifted_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    outcome: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    outcome_note: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # JSON list of {"id", "name", "change"} for the resources created or replaced while suspended
    changed_resources: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default="[]")

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None

    @classmethod
    def get(cls, suspension_id: str) -> Optional["Suspension"]:
        if not suspension_id:
            return None
        return model.Session.get(cls, suspension_id)

    @classmethod
    def in_force_for(cls, package_id: str) -> Optional["Suspension"]:
        return (
            model.Session.query(cls)
            .filter(cls.package_id == package_id, cls.lifted_at.is_(None))
            .order_by(cls.suspended_at.desc())
            .first()
        )

    @classmethod
    def in_force_among(cls, package_ids: list[str]) -> dict[str, "Suspension"]:
        if not package_ids:
            return {}
        rows = (
            model.Session.query(cls)
            .filter(cls.package_id.in_(package_ids), cls.lifted_at.is_(None))
            .order_by(cls.suspended_at.asc())
        )
        return {row.package_id: row for row in rows}

    @classmethod
    def history_of(cls, package_id: str) -> list["Suspension"]:
        return (
            model.Session.query(cls)
            .filter(cls.package_id == package_id)
            .order_by(cls.suspended_at.desc())
            .all()
        )

    def resources_changed(self) -> list[dict[str, Any]]:
        try:
            return list(json.loads(self.changed_resources or "[]"))
        except ValueError:
            return []
