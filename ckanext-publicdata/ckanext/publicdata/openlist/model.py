"""Tables of the annual open list (年度开放清单, TAX-8).

``publicdata_open_list``: one row per year — draft or published, when and by whom.
``publicdata_open_list_entry``: the list's lines. Publication snapshots the public catalog (``change`` =
``published``); a later sync closes lines that left or changed (``removed_at``, ``removal_reason``) and adds lines
that joined (``added``) or replaced a changed one (``changed``, with what changed in ``change_reason``). So the
public sees the list as published and every adjustment with its date. No foreign keys to core tables: a line
survives its dataset.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

__all__ = [
    "OpenList",
    "OpenListEntry",
    "STATUS_DRAFT",
    "STATUS_PUBLISHED",
    "CHANGE_PUBLISHED",
    "CHANGE_ADDED",
    "CHANGE_CHANGED",
    "ENTRY_FIELDS",
]

STATUS_DRAFT = "draft"
STATUS_PUBLISHED = "published"

CHANGE_PUBLISHED = "published"  # in the list as published
CHANGE_ADDED = "added"  # joined the list after publication
CHANGE_CHANGED = "changed"  # replaces a line whose dataset changed after publication

# the dataset's properties a line records; a difference in any of them is an adjustment
ENTRY_FIELDS = ("identifier", "title", "organization_id", "organization_name", "organization_title",
                "open_attribute", "update_frequency", "open_method")


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


def _iso(value: Optional[datetime.datetime]) -> Optional[str]:
    return value.isoformat() if value else None


class OpenList(tk.BaseModel):
    """The open list of one year and its publication."""

    __tablename__ = "publicdata_open_list"

    year: Mapped[int] = sa.Column(sa.Integer, primary_key=True, autoincrement=False)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default=STATUS_DRAFT)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    published_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    published_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    synced_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]

    @classmethod
    def get(cls, year: int) -> Optional["OpenList"]:
        return model.Session.get(cls, year)

    def dictize(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "status": self.status,
            "created": _iso(self.created),
            "published_at": _iso(self.published_at),
            "published_by": self.published_by,
            "synced_at": _iso(self.synced_at),
        }


class OpenListEntry(tk.BaseModel):
    """One dataset's line in a year's open list, from ``added_at`` until ``removed_at``."""

    __tablename__ = "publicdata_open_list_entry"
    __table_args__ = (sa.Index("ix_publicdata_open_list_entry_year_package", "year", "package_id"),)

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    year: Mapped[int] = sa.Column(sa.Integer, nullable=False)  # type: ignore[assignment]
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    package_name: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    identifier: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    title: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    organization_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    organization_name: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    organization_title: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    open_attribute: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    update_frequency: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # the open method codes, comma separated in the schema's order (download,api)
    open_method: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    added_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    change: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=CHANGE_PUBLISHED)
    change_reason: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    removed_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    removal_reason: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    def properties(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in ENTRY_FIELDS}

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "package_id": self.package_id,
            "package_name": self.package_name,
            **self.properties(),
            "open_method": [code for code in (self.open_method or "").split(",") if code],
            "added_at": _iso(self.added_at),
            "change": self.change,
            "change_reason": self.change_reason,
            "removed_at": _iso(self.removed_at),
            "removal_reason": self.removal_reason,
        }
