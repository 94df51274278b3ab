"""open attribute change requests

Revision ID: 1f5e5c6b0820
Revises: 
Create Date: 2026-11-23 12:58:59.486539

"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1f5e5c6b0820'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicdata_open_attribute_change",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("from_attribute", sa.UnicodeText, nullable=False),
        sa.Column("to_attribute", sa.UnicodeText, nullable=False),
        sa.Column("requested_fields", sa.UnicodeText, nullable=False, server_default="{}"),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("requested_by", sa.UnicodeText),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_comment", sa.UnicodeText),
    )
    op.create_index("ix_publicdata_open_attribute_change_package_id",
                    "publicdata_open_attribute_change", ["package_id"])
    op.create_index("ix_publicdata_open_attribute_change_owner_org",
                    "publicdata_open_attribute_change", ["owner_org"])
    op.create_index("ix_publicdata_open_attribute_change_status",
                    "publicdata_open_attribute_change", ["status"])


def downgrade() -> None:
    op.drop_table("publicdata_open_attribute_change")
