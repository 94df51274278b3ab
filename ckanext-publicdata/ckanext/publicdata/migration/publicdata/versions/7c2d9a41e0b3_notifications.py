"""in-site notifications

Revision ID: 7c2d9a41e0b3
Revises: 1f5e5c6b0820
Create Date: 2026-11-23 13:01:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7c2d9a41e0b3"
down_revision = "1f5e5c6b0820"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicdata_notification",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("link", sa.UnicodeText),
        sa.Column("object_type", sa.UnicodeText),
        sa.Column("object_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("read_at", sa.DateTime),
        sa.Column("emailed_at", sa.DateTime),
    )
    op.create_index("ix_publicdata_notification_user_id", "publicdata_notification", ["user_id"])
    op.create_index("ix_publicdata_notification_object_id", "publicdata_notification", ["object_id"])


def downgrade() -> None:
    op.drop_table("publicdata_notification")
