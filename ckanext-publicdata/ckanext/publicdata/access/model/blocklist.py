"""``publicdata_access_blocklist_entry``: the credit blocklist (失信被执行人 / 严重违法失信 lists, ACC-2)."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from ckanext.publicdata.access.model._common import iso, utcnow

__all__ = ["BlocklistEntry", "LIST_TYPES"]

# dishonest_person: 失信被执行人名单; serious_violation: 严重违法失信企业名单 (严重违法失信名单); other: 其他严重失信情形
LIST_TYPES = ("dishonest_person", "serious_violation", "other")


class BlocklistEntry(tk.BaseModel):
    """One listed person or organization, keyed by ID number or unified social credit code."""

    __tablename__ = "publicdata_access_blocklist_entry"
    __table_args__ = (sa.UniqueConstraint("identity_number", "list_type",
                                          name="uq_publicdata_access_blocklist_number_list"),)

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    identity_number: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    name: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    list_type: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    reason: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    source: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    listed_on: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]
    created_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)  # type: ignore[assignment]

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "identity_number": self.identity_number,
            "name": self.name,
            "list_type": self.list_type,
            "reason": self.reason,
            "source": self.source,
            "listed_on": iso(self.listed_on),
            "created_by": self.created_by,
            "created": iso(self.created),
        }
