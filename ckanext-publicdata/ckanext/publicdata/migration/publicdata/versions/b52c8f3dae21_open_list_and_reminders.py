"""annual open list and update reminders

Revision ID: b52c8f3dae21
Revises: 7c2d9a41e0b3
Create Date: 2026-11-23 13:20:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b52c8f3dae21"
down_revision = "7c2d9a41e0b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicdata_open_list",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="draft"),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime),
        sa.Column("published_by", sa.UnicodeText),
        sa.Column("synced_at", sa.DateTime),
    )
    op.create_table(
        "publicdata_open_list_entry",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("package_name", sa.UnicodeText),
        sa.Column("identifier", sa.UnicodeText),
        sa.Column("title", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("organization_id", sa.UnicodeText),
        sa.Column("organization_name", sa.UnicodeText),
        sa.Column("organization_title", sa.UnicodeText),
        sa.Column("open_attribute", sa.UnicodeText, nullable=False),
        sa.Column("update_frequency", sa.UnicodeText),
        sa.Column("open_method", sa.UnicodeText),
        sa.Column("added_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("change", sa.UnicodeText, nullable=False, server_default="published"),
        sa.Column("change_reason", sa.UnicodeText),
        sa.Column("removed_at", sa.DateTime),
        sa.Column("removal_reason", sa.UnicodeText),
    )
    op.create_index("ix_publicdata_open_list_entry_year_package", "publicdata_open_list_entry",
                    ["year", "package_id"])
    op.create_table(
        "publicdata_update_reminder",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("organization_id", sa.UnicodeText),
        sa.Column("update_frequency", sa.UnicodeText, nullable=False),
        sa.Column("last_update", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("recipients", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("package_id", "due_date", name="uq_publicdata_update_reminder_period"),
    )
    op.create_index("ix_publicdata_update_reminder_package_id", "publicdata_update_reminder", ["package_id"])


def downgrade() -> None:
    op.drop_table("publicdata_update_reminder")
    op.drop_table("publicdata_open_list_entry")
    op.drop_table("publicdata_open_list")
