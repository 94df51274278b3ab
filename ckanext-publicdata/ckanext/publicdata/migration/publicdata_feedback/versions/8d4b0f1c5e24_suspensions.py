"""suspensions of a dataset's opening (FB-2, FB-3)

Revision ID: 8d4b0f1c5e24
Revises: 6c2a9e0b4d13
Create Date: 2026-11-23 15:50:00

"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8d4b0f1c5e24"
down_revision = "6c2a9e0b4d13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicdata_feedback_suspension",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("ticket_id", sa.UnicodeText),
        sa.Column("cause", sa.UnicodeText, nullable=False, server_default="rights_complaint"),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("suspended_at", sa.DateTime, nullable=False),
        sa.Column("suspended_by", sa.UnicodeText),
        sa.Column("lifted_at", sa.DateTime),
        sa.Column("lifted_by", sa.UnicodeText),
        sa.Column("outcome", sa.UnicodeText),
        sa.Column("outcome_note", sa.UnicodeText),
        sa.Column("changed_resources", sa.UnicodeText, nullable=False, server_default="[]"),
    )
    op.create_index("ix_publicdata_feedback_suspension_package_id",
                    "publicdata_feedback_suspension", ["package_id"])
    op.create_index("ix_publicdata_feedback_suspension_owner_org",
                    "publicdata_feedback_suspension", ["owner_org"])
    op.create_index("ix_publicdata_feedback_suspension_ticket_id",
                    "publicdata_feedback_suspension", ["ticket_id"])
    # at most one suspension in force per dataset
    op.create_index("ux_publicdata_feedback_suspension_in_force", "publicdata_feedback_suspension",
                    ["package_id"], unique=True, postgresql_where=sa.text("lifted_at IS NULL"))


def downgrade() -> None:
    op.drop_table("publicdata_feedback_suspension")
