"""Use agreements (开放利用协议, ACC-6, ACC-7).

``publicdata_access_agreement_template``: versioned templates — one chain per provider organization
(``owner_org``) and the city default (``owner_org`` NULL). A new version is a new row; rows are never edited.
``publicdata_access_agreement``: the agreement of one approved application — the exact text filled in from a
template version, its SHA-256, and once signed the signer's name, consent, time and IP. Signed rows are immutable.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from ckanext.publicdata.access.model._common import iso, utcnow

__all__ = ["AgreementTemplate", "UseAgreement"]


class AgreementTemplate(tk.BaseModel):
    """One version of a use-agreement template."""

    __tablename__ = "publicdata_access_agreement_template"
    __table_args__ = (sa.UniqueConstraint("scope_key", "version", name="uq_publicdata_access_template_version"),)

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    # owner_org id, or "city" for the city default (a non-null key so the unique constraint holds)
    scope_key: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    owner_org: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    version: Mapped[int] = sa.Column(sa.Integer, nullable=False)  # type: ignore[assignment]
    title: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    body: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    change_note: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    created_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)  # type: ignore[assignment]

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner_org": self.owner_org,
            "scope": "city" if self.owner_org is None else "organization",
            "version": self.version,
            "title": self.title,
            "body": self.body,
            "change_note": self.change_note,
            "created_by": self.created_by,
            "created": iso(self.created),
        }


class UseAgreement(tk.BaseModel):
    """The agreement of one application: pending until the applicant signs, then immutable."""

    __tablename__ = "publicdata_access_agreement"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    request_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, unique=True)  # type: ignore[assignment]
    template_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    template_version: Mapped[Optional[int]] = sa.Column(sa.Integer)  # type: ignore[assignment]
    number: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, unique=True)  # type: ignore[assignment]
    title: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    text: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    text_sha256: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="pending")  # type: ignore[assignment]
    signer_user_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    signer_name: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    consent: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)  # type: ignore[assignment]
    signed_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    signed_ip: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    created: Mapped[datetime.datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)  # type: ignore[assignment]

    @classmethod
    def get(cls, agreement_id: str) -> Optional["UseAgreement"]:
        if not agreement_id:
            return None
        return model.Session.get(cls, agreement_id)

    @classmethod
    def for_request(cls, request_id: str) -> Optional["UseAgreement"]:
        return model.Session.query(cls).filter(cls.request_id == request_id).one_or_none()

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "request_id": self.request_id,
            "template_id": self.template_id,
            "template_version": self.template_version,
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "text_sha256": self.text_sha256,
            "status": self.status,
            "signer_user_id": self.signer_user_id,
            "signer_name": self.signer_name,
            "consent": self.consent,
            "signed_at": iso(self.signed_at),
            "signed_ip": self.signed_ip,
            "created": iso(self.created),
        }
