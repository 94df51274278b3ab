"""Tables of the harvest sources: who owns which identifier, and the conflicts between sources.

``publicdata_harvest_record``: one row per record a harvest source brought in — the source's own key (guid), the
city-wide identifier (信息资源代码, unique: one source per dataset, TAX-12), the local dataset, the hash of the
mapped content (unchanged records are skipped) and whether the record is still in the source (``active``) or was
withdrawn because the source dropped it. ``publicdata_harvest_conflict``: an identifier that a second source (or a
source and a locally created dataset) claimed; reported, never imported twice.
No foreign keys to core or harvest tables (the rows survive a cleared source).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

__all__ = ["HarvestRecord", "HarvestConflict", "RECORD_ACTIVE", "RECORD_WITHDRAWN"]

RECORD_ACTIVE = "active"
RECORD_WITHDRAWN = "withdrawn"


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


class HarvestRecord(tk.BaseModel):
    """A record of a harvest source and the local dataset it became."""

    __tablename__ = "publicdata_harvest_record"
    __table_args__ = (
        sa.Index("ux_publicdata_harvest_record_identifier", "identifier", unique=True),
        sa.Index("ux_publicdata_harvest_record_source_guid", "source_id", "guid", unique=True),
    )

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    source_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    guid: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    identifier: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    package_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    content_hash: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    state: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=RECORD_ACTIVE)
    created: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    updated: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    last_job_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    @classmethod
    def by_identifier(cls, identifier: str) -> Optional["HarvestRecord"]:
        return model.Session.query(cls).filter(cls.identifier == identifier).first()

    @classmethod
    def by_source_guid(cls, source_id: str, guid: str) -> Optional["HarvestRecord"]:
        return model.Session.query(cls).filter(cls.source_id == source_id, cls.guid == guid).first()

    @classmethod
    def active_of_source(cls, source_id: str) -> sa.orm.Query:
        return model.Session.query(cls).filter(cls.source_id == source_id, cls.state == RECORD_ACTIVE)

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source_id": self.source_id,
            "guid": self.guid,
            "identifier": self.identifier,
            "package_id": self.package_id,
            "content_hash": self.content_hash,
            "state": self.state,
            "created": self.created.isoformat() if self.created else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "last_job_id": self.last_job_id,
        }


class HarvestConflict(tk.BaseModel):
    """An identifier claimed by a source that does not own it (TAX-12): reported, never a second dataset."""

    __tablename__ = "publicdata_harvest_conflict"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    identifier: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    source_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    guid: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # the source that owns the identifier (None: a dataset created on this portal, not harvested)
    owner_source_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    owner_package_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    harvest_job_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    harvest_object_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    first_seen: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    last_seen: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    occurrences: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=1)  # type: ignore[assignment]
    resolved: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)  # type: ignore[assignment]

    @classmethod
    def open_for(cls, identifier: str, source_id: str) -> Optional["HarvestConflict"]:
        return (model.Session.query(cls)
                .filter(cls.identifier == identifier, cls.source_id == source_id, cls.resolved.is_(False))
                .first())

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "identifier": self.identifier,
            "source_id": self.source_id,
            "guid": self.guid,
            "owner_source_id": self.owner_source_id,
            "owner_package_id": self.owner_package_id,
            "harvest_job_id": self.harvest_job_id,
            "harvest_object_id": self.harvest_object_id,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "occurrences": self.occurrences,
            "resolved": self.resolved,
        }
