"""``publicdata_access_identity``: who a data user is when applying for conditionally open data (ACC-2).

One row per user: applicant type (individual with an ID number, or organization with a unified social credit code),
the legal name, the verification status and who verified it (a pluggable verifier or the authority by hand).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.access.model._common import iso, utcnow

__all__ = ["Identity", "APPLICANT_TYPES", "IDENTITY_STATUSES"]

APPLICANT_TYPES = ("individual", "organization")
# unverified: nothing submitted; pending: submitted, waiting for a verifier or the authority;
# verified / rejected: decided
IDENTITY_STATUSES = ("unverified", "pending", "verified", "rejected")


class Identity(tk.BaseModel):
    """A user's stated identity and its real-name verification."""

    __tablename__ = "publicdata_access_identity"

    user_id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True)  # type: ignore[assignment]
    applicant_type: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    legal_name: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    # ID number (individual) or unified social credit code (organization), normalised upper-case
    identity_number: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    contact_person: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    contact_phone: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="pending")  # type: ignore[assignment]
    materials: Mapped[list[Any]] = sa.Column(sa.JSON, nullable=False, default=list)  # type: ignore[assignment]
    verifier: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    verified_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    verified_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    note: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)  # type: ignore[assignment]
    modified: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    @classmethod
    def for_user(cls, user_id: str) -> Optional["Identity"]:
        return model.Session.get(cls, user_id)

    @property
    def is_verified(self) -> bool:
        return self.status == "verified"

    def dictize(self, include_number: bool = True) -> dict[str, Any]:
        user = model.User.get(self.user_id)
        number = self.identity_number
        if not include_number and number:
            number = number[:4] + "*" * (len(number) - 8) + number[-4:]
        return {
            "user_id": self.user_id,
            "user_name": user.name if user else None,
            "applicant_type": self.applicant_type,
            "legal_name": self.legal_name,
            "identity_number": number,
            "contact_person": self.contact_person,
            "contact_phone": self.contact_phone,
            "status": self.status,
            "materials": list(self.materials or []),
            "verifier": self.verifier,
            "verified_by": self.verified_by,
            "verified_at": iso(self.verified_at),
            "note": self.note,
            "created": iso(self.created),
            "modified": iso(self.modified),
        }
