"""publication review cycles (TAX-13) with personal-information scan reports (SEC-1)

Revision ID: c63d9e4fa032
Revises: b52c8f3dae21
Create Date: 2026-11-23 13:55:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c63d9e4fa032"
down_revision = "b52c8f3dae21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicdata_publication_review",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="draft"),
        sa.Column("cause", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("created_by", sa.UnicodeText),
        sa.Column("submitted_by", sa.UnicodeText),
        sa.Column("submitted_at", sa.DateTime),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision", sa.UnicodeText),
        sa.Column("reasons", sa.UnicodeText),
        sa.Column("pii_report", sa.UnicodeText),
        sa.Column("override_reason", sa.UnicodeText),
    )
    op.create_index("ix_publicdata_publication_review_package_id", "publicdata_publication_review", ["package_id"])
    op.create_index("ix_publicdata_publication_review_owner_org", "publicdata_publication_review", ["owner_org"])
    op.create_index("ix_publicdata_publication_review_status", "publicdata_publication_review", ["status"])


def downgrade() -> None:
    op.drop_index("ix_publicdata_publication_review_status", table_name="publicdata_publication_review")
    op.drop_index("ix_publicdata_publication_review_owner_org", table_name="publicdata_publication_review")
    op.drop_index("ix_publicdata_publication_review_package_id", table_name="publicdata_publication_review")
    op.drop_table("publicdata_publication_review")
