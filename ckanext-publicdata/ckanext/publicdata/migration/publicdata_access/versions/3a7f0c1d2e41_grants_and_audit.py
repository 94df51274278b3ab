"""access grants and the append-only audit log

Revision ID: 3a7f0c1d2e41
Revises:
Create Date: 2026-11-23 15:45:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3a7f0c1d2e41"
down_revision = None
branch_labels = None
depends_on = None

# UPDATE is never allowed; DELETE and TRUNCATE only inside a transaction that set
# ``publicdata.audit_prune = 'on'`` (ckanext.publicdata.access.audit.prune does, for the retention period).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION publicdata_access_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
            AND coalesce(current_setting('publicdata.audit_prune', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'publicdata_access_audit_event is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "publicdata_access_grant",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("access_request_id", sa.UnicodeText),
        sa.Column("agreement_id", sa.UnicodeText),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="active"),
        sa.Column("revoked_at", sa.DateTime),
        sa.Column("revoked_by", sa.UnicodeText),
        sa.Column("revoke_reason", sa.UnicodeText),
        sa.Column("notice_published", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("created_by", sa.UnicodeText),
        sa.CheckConstraint("status in ('active', 'revoked')", name="ck_publicdata_access_grant_status"),
        sa.CheckConstraint("starts_on <= expires_on", name="ck_publicdata_access_grant_period"),
    )
    op.create_index("ix_publicdata_access_grant_package_id", "publicdata_access_grant", ["package_id"])
    op.create_index("ix_publicdata_access_grant_user_id", "publicdata_access_grant", ["user_id"])
    op.create_index("ix_publicdata_access_grant_access_request_id", "publicdata_access_grant",
                    ["access_request_id"])

    op.create_table(
        "publicdata_access_audit_event",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event", sa.UnicodeText, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("grant_id", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("object_id", sa.UnicodeText),
        sa.Column("ip", sa.UnicodeText),
        sa.Column("bytes", sa.BigInteger),
        sa.Column("detail", sa.UnicodeText, nullable=False, server_default="{}"),
        sa.Column("prev_hash", sa.UnicodeText, nullable=False),
        sa.Column("hash", sa.UnicodeText, nullable=False, unique=True),
    )
    op.create_index("ix_publicdata_access_audit_event_event", "publicdata_access_audit_event", ["event"])
    op.create_index("ix_publicdata_access_audit_event_created_at", "publicdata_access_audit_event",
                    ["created_at"])
    op.create_index("ix_publicdata_access_audit_event_user_id", "publicdata_access_audit_event", ["user_id"])
    op.create_index("ix_publicdata_access_audit_event_grant_id", "publicdata_access_audit_event", ["grant_id"])
    op.create_index("ix_publicdata_access_audit_event_package_id", "publicdata_access_audit_event",
                    ["package_id"])
    op.create_table(
        "publicdata_access_audit_anchor",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.UnicodeText, nullable=False),
        sa.Column("pruned_at", sa.DateTime, nullable=False),
        sa.Column("pruned_rows", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(
        "CREATE TRIGGER publicdata_access_audit_event_append_only "
        "BEFORE UPDATE OR DELETE ON publicdata_access_audit_event "
        "FOR EACH ROW EXECUTE FUNCTION publicdata_access_audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER publicdata_access_audit_event_no_truncate "
        "BEFORE TRUNCATE ON publicdata_access_audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION publicdata_access_audit_append_only()"
    )


def downgrade() -> None:
    op.drop_table("publicdata_access_audit_anchor")
    op.drop_table("publicdata_access_audit_event")
    op.execute("DROP FUNCTION IF EXISTS publicdata_access_audit_append_only()")
    op.drop_table("publicdata_access_grant")
