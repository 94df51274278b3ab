"""``publicdata_notification``: one message to one user. No foreign keys to core tables."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

__all__ = ["Notification"]


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


class Notification(tk.BaseModel):
    """A message for a user about something that concerns them (a deadline, a decision, a reminder)."""

    __tablename__ = "publicdata_notification"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    user_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    kind: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    title: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    body: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    link: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    object_type: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    object_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    read_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    emailed_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "kind": self.kind,
            "title": self.title,
            "body": self.body,
            "link": self.link,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "created": self.created.isoformat() if self.created else None,
            "read": self.read_at is not None,
            "read_at": self.read_at.isoformat() if self.read_at else None,
            "emailed": self.emailed_at is not None,
        }
