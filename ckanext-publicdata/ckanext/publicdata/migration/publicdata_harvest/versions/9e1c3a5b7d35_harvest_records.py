"""harvested records: which source owns which identifier (TAX-12), content hashes, conflicts

Revision ID: 9e1c3a5b7d35
Revises:
Create Date: 2026-11-23 15:50:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9e1c3a5b7d35"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicdata_harvest_record",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("source_id", sa.UnicodeText, nullable=False),
        sa.Column("guid", sa.UnicodeText, nullable=False),
        sa.Column("identifier", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("content_hash", sa.UnicodeText),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="active"),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("updated", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("last_job_id", sa.UnicodeText),
    )
    # one source per identifier city-wide (一数一源): a second source claiming it is a conflict
    op.create_index("ux_publicdata_harvest_record_identifier", "publicdata_harvest_record", ["identifier"],
                    unique=True)
    op.create_index("ux_publicdata_harvest_record_source_guid", "publicdata_harvest_record", ["source_id", "guid"],
                    unique=True)
    op.create_index("ix_publicdata_harvest_record_package_id", "publicdata_harvest_record", ["package_id"])

    op.create_table(
        "publicdata_harvest_conflict",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("identifier", sa.UnicodeText, nullable=False),
        sa.Column("source_id", sa.UnicodeText, nullable=False),
        sa.Column("guid", sa.UnicodeText),
        sa.Column("owner_source_id", sa.UnicodeText),
        sa.Column("owner_package_id", sa.UnicodeText),
        sa.Column("harvest_job_id", sa.UnicodeText),
        sa.Column("harvest_object_id", sa.UnicodeText),
        sa.Column("first_seen", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("last_seen", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("occurrences", sa.Integer, nullable=False, server_default="1"),
        sa.Column("resolved", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_publicdata_harvest_conflict_identifier", "publicdata_harvest_conflict", ["identifier"])
    op.create_index("ix_publicdata_harvest_conflict_source_id", "publicdata_harvest_conflict", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_publicdata_harvest_conflict_source_id", table_name="publicdata_harvest_conflict")
    op.drop_index("ix_publicdata_harvest_conflict_identifier", table_name="publicdata_harvest_conflict")
    op.drop_table("publicdata_harvest_conflict")
    op.drop_index("ix_publicdata_harvest_record_package_id", table_name="publicdata_harvest_record")
    op.drop_index("ux_publicdata_harvest_record_source_guid", table_name="publicdata_harvest_record")
    op.drop_index("ux_publicdata_harvest_record_identifier", table_name="publicdata_harvest_record")
    op.drop_table("publicdata_harvest_record")
