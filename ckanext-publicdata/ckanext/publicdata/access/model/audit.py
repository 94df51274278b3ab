"""``publicdata_access_audit_event``: the append-only, hash-chained access log (ACC-10, SEC-4).

Rows are only ever inserted (see :mod:`ckanext.publicdata.access.audit`); a PostgreSQL trigger created by the
migration refuses UPDATE and DELETE unless the session set ``publicdata.audit_prune = 'on'`` (the retention prune).
``publicdata_access_audit_anchor`` keeps, after a prune, the hash of the last removed row so the chain stays
verifiable.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk

__all__ = ["AuditEvent", "AuditAnchor"]


class AuditEvent(tk.BaseModel):
    """One recorded event: a granted download or API call, or a decision (grant created/revoked, approve, ...)."""

    __tablename__ = "publicdata_access_audit_event"

    seq: Mapped[int] = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)  # type: ignore[assignment]
    event: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    created_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, index=True)
    user_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    grant_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    package_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    resource_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    object_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    ip: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    bytes: Mapped[Optional[int]] = sa.Column(sa.BigInteger)  # type: ignore[assignment]
    detail: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="{}")  # type: ignore[assignment]
    prev_hash: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    hash: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, unique=True)  # type: ignore[assignment]

    def dictize(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event": self.event,
            "created_at": self.created_at.isoformat(),
            "user_id": self.user_id,
            "grant_id": self.grant_id,
            "package_id": self.package_id,
            "resource_id": self.resource_id,
            "object_id": self.object_id,
            "ip": self.ip,
            "bytes": self.bytes,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


class AuditAnchor(tk.BaseModel):
    """After a prune: the last removed row's seq and hash, where verification of the remaining chain starts."""

    __tablename__ = "publicdata_access_audit_anchor"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)  # type: ignore[assignment]
    last_seq: Mapped[int] = sa.Column(sa.BigInteger, nullable=False)  # type: ignore[assignment]
    last_hash: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    pruned_at: Mapped[datetime.datetime] = sa.Column(sa.DateTime, nullable=False)  # type: ignore[assignment]
    pruned_rows: Mapped[int] = sa.Column(sa.BigInteger, nullable=False, default=0)  # type: ignore[assignment]
