"""``publicdata_access_grant``: one user's right to a conditional dataset for a period (ACC-6, ACC-11).

No foreign keys to core tables (the capability's tables stand alone and survive core purges); ids are uuid text.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

__all__ = ["Grant", "GRANT_ACTIVE", "GRANT_REVOKED", "GRANT_STATUSES"]

GRANT_ACTIVE = "active"
GRANT_REVOKED = "revoked"
GRANT_STATUSES = (GRANT_ACTIVE, GRANT_REVOKED)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


class Grant(tk.BaseModel):
    """A holder may download and call the API of one dataset from ``starts_on`` to ``expires_on`` (both included,
    local calendar days). Expiry needs no job: a grant outside its period is simply not active."""

    __tablename__ = "publicdata_access_grant"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    user_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    access_request_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    agreement_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    starts_on: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    expires_on: Mapped[datetime.date] = sa.Column(sa.Date, nullable=False)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=GRANT_ACTIVE)
    revoked_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    revoked_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    revoke_reason: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    notice_published: Mapped[bool] = sa.Column(  # type: ignore[assignment]
        sa.Boolean, nullable=False, default=False)
    created_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    created_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    def is_active_on(self, day: datetime.date) -> bool:
        return self.status == GRANT_ACTIVE and self.starts_on <= day <= self.expires_on

    def dictize(self, today: Optional[datetime.date] = None) -> dict[str, Any]:
        """The grant as a plain dict; ``effective_status`` is 'active', 'pending' (not started), 'expired' or
        'revoked' as of ``today`` (local)."""
        if self.status == GRANT_REVOKED:
            effective = "revoked"
        elif today is None:
            effective = self.status
        elif today < self.starts_on:
            effective = "pending"
        elif today > self.expires_on:
            effective = "expired"
        else:
            effective = "active"
        return {
            "id": self.id,
            "package_id": self.package_id,
            "user_id": self.user_id,
            "access_request_id": self.access_request_id,
            "agreement_id": self.agreement_id,
            "starts_on": self.starts_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
            "status": self.status,
            "effective_status": effective,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "revoked_by": self.revoked_by,
            "revoke_reason": self.revoke_reason,
            "notice_published": bool(self.notice_published),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "created_by": self.created_by,
        }
