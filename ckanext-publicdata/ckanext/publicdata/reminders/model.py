"""``publicdata_update_reminder``: a reminder sent for one overdue period of one dataset (TAX-11).

The overdue period is identified by its due date (last update + the frequency's interval): one reminder per
(package, due date), so re-running the command notifies nobody twice; an update of the dataset moves the due date
and opens a new period. No foreign keys to core tables.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

__all__ = ["UpdateReminder"]


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


class UpdateReminder(tk.BaseModel):
    """The reminder sent to a provider because a dataset missed its due date."""

    __tablename__ = "publicdata_update_reminder"
    __table_args__ = (sa.UniqueConstraint("package_id", "due_date", name="uq_publicdata_update_reminder_period"),)

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    organization_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    update_frequency: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    last_update: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    due_date: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    sent_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    recipients: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=0)  # type: ignore[assignment]

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "package_id": self.package_id,
            "organization_id": self.organization_id,
            "update_frequency": self.update_frequency,
            "last_update": self.last_update.isoformat(),
            "due_date": self.due_date.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "recipients": self.recipients,
        }
