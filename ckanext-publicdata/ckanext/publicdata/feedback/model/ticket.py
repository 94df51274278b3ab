"""Feedback tickets (纠错、异议、权益申诉、建议、投诉举报、数据需求、需求征集、整改任务、利用成果).

``publicdata_feedback_ticket``: one ticket of any kind; kind-specific fields live in ``details`` (JSONB).
``publicdata_feedback_ticket_event``: every state change and note, in order (who, when, from → to).
``publicdata_feedback_ticket_extension``: a request to extend the current stage's deadline and its decision.
``publicdata_feedback_ticket_attachment``: files filed with a ticket (stored in the database, so a ticket and
its files are committed together or not at all).

No foreign keys to core tables (CKAN's best practice): package, resource, organization and user ids are plain
text and a ticket survives the dataset it is about. Contact fields are personal data and never public.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

__all__ = ["Ticket", "TicketEvent", "TicketExtension", "TicketAttachment",
           "EXTENSION_PENDING", "EXTENSION_APPROVED", "EXTENSION_REJECTED"]

EXTENSION_PENDING = "pending"
EXTENSION_APPROVED = "approved"
EXTENSION_REJECTED = "rejected"


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


def _iso(value: Optional[datetime.date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


class Ticket(tk.BaseModel):
    """One piece of feedback, a demand, a complaint, a rectification task or a use result."""

    __tablename__ = "publicdata_feedback_ticket"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    # short public reference (FK20261123-0001): what a citizen quotes on the phone
    reference: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, unique=True)  # type: ignore[assignment]
    kind: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    title: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    body: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    package_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    resource_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # the responsible provider organization (None while a demand is still with the authority)
    organization_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    submitter_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText, index=True)  # type: ignore[assignment]
    contact_name: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    contact_phone: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    contact_email: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # a secret an anonymous filer uses to follow the ticket (never public, never in lists)
    tracking_code: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    details: Mapped[dict[str, Any]] = sa.Column(  # type: ignore[assignment]
        JSONB, nullable=False, default=dict)
    response: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    is_public: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)  # type: ignore[assignment]
    featured: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)  # type: ignore[assignment]
    created_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    updated_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    # the current stage: when it started, which deadline rule it runs on, its due date (Asia/Shanghai day)
    stage_started_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    deadline_key: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    due_on: Mapped[Optional[datetime.date]] = sa.Column(sa.Date, index=True)  # type: ignore[assignment]
    handled_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    closed_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    outcome: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    # a demand closed as "opened" points at the dataset that now holds the data (DEM-1)
    linked_package_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    @classmethod
    def get(cls, ticket_id: Optional[str]) -> Optional["Ticket"]:
        if not ticket_id:
            return None
        ticket = model.Session.get(cls, ticket_id)
        if ticket is None:
            ticket = model.Session.query(cls).filter(cls.reference == ticket_id).one_or_none()
        return ticket

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def events(self) -> list["TicketEvent"]:
        return (model.Session.query(TicketEvent).filter(TicketEvent.ticket_id == self.id)
                .order_by(TicketEvent.at, TicketEvent.seq).all())

    def extensions(self) -> list["TicketExtension"]:
        return (model.Session.query(TicketExtension).filter(TicketExtension.ticket_id == self.id)
                .order_by(TicketExtension.requested_at).all())

    def attachments(self) -> list["TicketAttachment"]:
        return (model.Session.query(TicketAttachment).filter(TicketAttachment.ticket_id == self.id)
                .order_by(TicketAttachment.created_at).all())

    def base_dict(self) -> dict[str, Any]:
        """Every column except the personal ones and the tracking code (the caller adds those when allowed)."""
        return {
            "id": self.id,
            "reference": self.reference,
            "kind": self.kind,
            "status": self.status,
            "title": self.title,
            "body": self.body,
            "package_id": self.package_id,
            "resource_id": self.resource_id,
            "organization_id": self.organization_id,
            "details": dict(self.details or {}),
            "response": self.response,
            "is_public": bool(self.is_public),
            "featured": bool(self.featured),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "stage_started_at": _iso(self.stage_started_at),
            "deadline_key": self.deadline_key,
            "due_on": _iso(self.due_on),
            "handled_at": _iso(self.handled_at),
            "closed_at": _iso(self.closed_at),
            "outcome": self.outcome,
            "linked_package_id": self.linked_package_id,
        }


class TicketEvent(tk.BaseModel):
    """One step in a ticket's life: a transition, a note, an extension request or decision."""

    __tablename__ = "publicdata_feedback_ticket_event"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    ticket_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    # a monotonic sequence so events of the same instant keep their order
    seq: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=0)  # type: ignore[assignment]
    at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    actor_id: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    action: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    from_status: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    to_status: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    note: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    due_on: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "at": _iso(self.at),
            "actor_id": self.actor_id,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "note": self.note,
            "due_on": _iso(self.due_on),
        }


class TicketExtension(tk.BaseModel):
    """A request to extend the current stage's deadline (FB-1), and the authority's decision."""

    __tablename__ = "publicdata_feedback_ticket_extension"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    ticket_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    workdays: Mapped[int] = sa.Column(sa.Integer, nullable=False)  # type: ignore[assignment]
    reason: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")  # type: ignore[assignment]
    status: Mapped[str] = sa.Column(  # type: ignore[assignment]
        sa.UnicodeText, nullable=False, default=EXTENSION_PENDING, index=True)
    requested_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    requested_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)
    previous_due_on: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]
    new_due_on: Mapped[Optional[datetime.date]] = sa.Column(sa.Date)  # type: ignore[assignment]
    decided_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    decided_at: Mapped[Optional[datetime.datetime]] = sa.Column(sa.DateTime)  # type: ignore[assignment]
    decision_note: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]

    @classmethod
    def get(cls, extension_id: Optional[str]) -> Optional["TicketExtension"]:
        if not extension_id:
            return None
        return model.Session.get(cls, extension_id)

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "workdays": self.workdays,
            "reason": self.reason,
            "status": self.status,
            "requested_by": self.requested_by,
            "requested_at": _iso(self.requested_at),
            "previous_due_on": _iso(self.previous_due_on),
            "new_due_on": _iso(self.new_due_on),
            "decided_by": self.decided_by,
            "decided_at": _iso(self.decided_at),
            "decision_note": self.decision_note,
        }


class TicketAttachment(tk.BaseModel):
    """A file filed with a ticket; its type was checked by its magic bytes, its size against the limit."""

    __tablename__ = "publicdata_feedback_ticket_attachment"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=make_uuid)  # type: ignore[assignment]
    ticket_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    filename: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    mimetype: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    size: Mapped[int] = sa.Column(sa.Integer, nullable=False)  # type: ignore[assignment]
    sha256: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)  # type: ignore[assignment]
    content: Mapped[bytes] = sa.Column(sa.LargeBinary, nullable=False)  # type: ignore[assignment]
    uploaded_by: Mapped[Optional[str]] = sa.Column(sa.UnicodeText)  # type: ignore[assignment]
    created_at: Mapped[datetime.datetime] = sa.Column(  # type: ignore[assignment]
        sa.DateTime, nullable=False, default=_utcnow)

    @classmethod
    def get(cls, attachment_id: Optional[str]) -> Optional["TicketAttachment"]:
        if not attachment_id:
            return None
        return model.Session.get(cls, attachment_id)

    def dictize(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "filename": self.filename,
            "mimetype": self.mimetype,
            "size": self.size,
            "sha256": self.sha256,
            "created_at": _iso(self.created_at),
        }
