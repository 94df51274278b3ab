"""feedback tickets, their events, deadline extensions and attachments

Revision ID: 6c2a9e0b4d13
Revises:
Create Date: 2026-11-23 15:45:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "6c2a9e0b4d13"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicdata_feedback_ticket",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("reference", sa.UnicodeText, unique=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("body", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("organization_id", sa.UnicodeText),
        sa.Column("submitter_id", sa.UnicodeText),
        sa.Column("contact_name", sa.UnicodeText),
        sa.Column("contact_phone", sa.UnicodeText),
        sa.Column("contact_email", sa.UnicodeText),
        sa.Column("tracking_code", sa.UnicodeText),
        sa.Column("details", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("response", sa.UnicodeText),
        sa.Column("is_public", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("featured", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("stage_started_at", sa.DateTime),
        sa.Column("deadline_key", sa.UnicodeText),
        sa.Column("due_on", sa.Date),
        sa.Column("handled_at", sa.DateTime),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("outcome", sa.UnicodeText),
        sa.Column("linked_package_id", sa.UnicodeText),
    )
    for column in ("kind", "status", "package_id", "organization_id", "submitter_id", "due_on"):
        op.create_index(f"ix_publicdata_feedback_ticket_{column}", "publicdata_feedback_ticket", [column])

    op.create_table(
        "publicdata_feedback_ticket_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("ticket_id", sa.UnicodeText, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("from_status", sa.UnicodeText),
        sa.Column("to_status", sa.UnicodeText),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("due_on", sa.Date),
    )
    op.create_index("ix_publicdata_feedback_ticket_event_ticket_id", "publicdata_feedback_ticket_event",
                    ["ticket_id"])

    op.create_table(
        "publicdata_feedback_ticket_extension",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("ticket_id", sa.UnicodeText, nullable=False),
        sa.Column("workdays", sa.Integer, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("requested_by", sa.UnicodeText),
        sa.Column("requested_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("previous_due_on", sa.Date),
        sa.Column("new_due_on", sa.Date),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_note", sa.UnicodeText),
    )
    op.create_index("ix_publicdata_feedback_ticket_extension_ticket_id", "publicdata_feedback_ticket_extension",
                    ["ticket_id"])
    op.create_index("ix_publicdata_feedback_ticket_extension_status", "publicdata_feedback_ticket_extension",
                    ["status"])

    op.create_table(
        "publicdata_feedback_ticket_attachment",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("ticket_id", sa.UnicodeText, nullable=False),
        sa.Column("filename", sa.UnicodeText, nullable=False),
        sa.Column("mimetype", sa.UnicodeText, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.UnicodeText, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.UnicodeText),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_publicdata_feedback_ticket_attachment_ticket_id", "publicdata_feedback_ticket_attachment",
                    ["ticket_id"])


def downgrade() -> None:
    op.drop_table("publicdata_feedback_ticket_attachment")
    op.drop_table("publicdata_feedback_ticket_extension")
    op.drop_table("publicdata_feedback_ticket_event")
    op.drop_table("publicdata_feedback_ticket")
