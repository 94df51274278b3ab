"""``publicdata_access_use_report``: a grant holder's periodic report on use, results, benefits and problems (ACC-8)."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from ckanext.publicdata.access.model._common import iso, utcnow

__all__ = ["UseReport"]


class UseReport(tk.BaseModel):
    """One report for one application (grant) and one period."""

    __tablename__ = "publicdata_access_use_report"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    request_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    user_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    owner_org: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    period_start: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    period_end: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    use_description: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    results: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    benefits: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    problems: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    submitted_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=utcnow)

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "request_id": self.request_id,
            "user_id": self.user_id,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "period_start": iso(self.period_start),
            "period_end": iso(self.period_end),
            "use_description": self.use_description,
            "results": self.results,
            "benefits": self.benefits,
            "problems": self.problems,
            "submitted_at": iso(self.submitted_at),
        }
