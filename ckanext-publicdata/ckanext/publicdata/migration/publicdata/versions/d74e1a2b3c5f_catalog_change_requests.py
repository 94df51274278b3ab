"""catalog change requests (TAX-7): provider files after a legal/mandate change, the authority decides

Revision ID: d74e1a2b3c5f
Revises: c63d9e4fa032
Create Date: 2026-11-23 16:00:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d74e1a2b3c5f"
down_revision = "c63d9e4fa032"
branch_labels = None
depends_on = None

_TABLE = "publicdata_catalog_change"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("kind", sa.UnicodeText, nullable=False, server_default="modify"),
        sa.Column("changes", sa.UnicodeText, nullable=False, server_default="{}"),
        sa.Column("previous", sa.UnicodeText, nullable=False, server_default="{}"),
        sa.Column("cause", sa.UnicodeText, nullable=False),
        sa.Column("basis", sa.UnicodeText, nullable=False),
        sa.Column("cause_date", sa.Date, nullable=False),
        sa.Column("description", sa.UnicodeText),
        sa.Column("provider_due_date", sa.Date, nullable=False),
        sa.Column("filed_late", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("authority_due_date", sa.Date, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("requested_by", sa.UnicodeText),
        sa.Column("requested_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_comment", sa.UnicodeText),
        sa.Column("open_attribute_change_id", sa.UnicodeText),
    )
    for column in ("package_id", "owner_org", "status"):
        op.create_index(f"ix_{_TABLE}_{column}", _TABLE, [column])


def downgrade() -> None:
    for column in ("status", "owner_org", "package_id"):
        op.drop_index(f"ix_{_TABLE}_{column}", table_name=_TABLE)
    op.drop_table(_TABLE)
