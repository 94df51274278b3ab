"""applications for conditional data, identities, credit blocklist, use agreements and use reports (ACC-2 … ACC-8)

Revision ID: 5b8e1d2f3a62
Revises: 3a7f0c1d2e41
Create Date: 2026-11-23 16:00:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5b8e1d2f3a62"
down_revision = "3a7f0c1d2e41"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON()


def upgrade() -> None:
    op.create_table(
        "publicdata_access_identity",
        sa.Column("user_id", sa.UnicodeText, primary_key=True),
        sa.Column("applicant_type", sa.UnicodeText, nullable=False),
        sa.Column("legal_name", sa.UnicodeText, nullable=False),
        sa.Column("identity_number", sa.UnicodeText, nullable=False),
        sa.Column("contact_person", sa.UnicodeText),
        sa.Column("contact_phone", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("materials", _json(), nullable=False),
        sa.Column("verifier", sa.UnicodeText),
        sa.Column("verified_by", sa.UnicodeText),
        sa.Column("verified_at", sa.DateTime),
        sa.Column("note", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_publicdata_access_identity_identity_number", "publicdata_access_identity",
                    ["identity_number"])

    op.create_table(
        "publicdata_access_blocklist_entry",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("identity_number", sa.UnicodeText, nullable=False),
        sa.Column("name", sa.UnicodeText),
        sa.Column("list_type", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("source", sa.UnicodeText),
        sa.Column("listed_on", sa.Date),
        sa.Column("created_by", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("identity_number", "list_type", name="uq_publicdata_access_blocklist_number_list"),
    )
    op.create_index("ix_publicdata_access_blocklist_entry_identity_number", "publicdata_access_blocklist_entry",
                    ["identity_number"])

    op.create_table(
        "publicdata_access_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="draft"),
        sa.Column("title", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("request_type", sa.UnicodeText, nullable=False, server_default="dataset"),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("result_form", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("scenario", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("condition_responses", _json(), nullable=False),
        sa.Column("commitments", _json(), nullable=False),
        sa.Column("attachments", _json(), nullable=False),
        sa.Column("applicant_type", sa.UnicodeText),
        sa.Column("applicant_name", sa.UnicodeText),
        sa.Column("applicant_number", sa.UnicodeText),
        sa.Column("submitted_at", sa.DateTime),
        sa.Column("formal_due", sa.Date),
        sa.Column("formal_reviewed_at", sa.DateTime),
        sa.Column("formal_reviewed_by", sa.UnicodeText),
        sa.Column("return_reasons", _json(), nullable=False),
        sa.Column("provider_due", sa.Date),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decision_reasons", sa.UnicodeText),
        sa.Column("legal_basis", sa.UnicodeText),
        sa.Column("approved_purpose", sa.UnicodeText),
        sa.Column("approved_scope", sa.UnicodeText),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    for column in ("user_id", "package_id", "owner_org", "status"):
        op.create_index(f"ix_publicdata_access_request_{column}", "publicdata_access_request", [column])

    op.create_table(
        "publicdata_access_request_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("from_status", sa.UnicodeText),
        sa.Column("to_status", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("note", sa.UnicodeText),
    )
    op.create_index("ix_publicdata_access_request_event_request_id", "publicdata_access_request_event",
                    ["request_id"])

    op.create_table(
        "publicdata_access_agreement_template",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("scope_key", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False),
        sa.Column("change_note", sa.UnicodeText),
        sa.Column("created_by", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("scope_key", "version", name="uq_publicdata_access_template_version"),
    )
    op.create_index("ix_publicdata_access_agreement_template_scope_key", "publicdata_access_agreement_template",
                    ["scope_key"])

    op.create_table(
        "publicdata_access_agreement",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("template_id", sa.UnicodeText),
        sa.Column("template_version", sa.Integer),
        sa.Column("number", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("text", sa.UnicodeText, nullable=False),
        sa.Column("text_sha256", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("signer_user_id", sa.UnicodeText),
        sa.Column("signer_name", sa.UnicodeText),
        sa.Column("consent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("signed_at", sa.DateTime),
        sa.Column("signed_ip", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    # a signed agreement never changes: the database refuses updates of signed rows too (deletes are left to
    # purges of whole test databases; no code path deletes agreements)
    op.execute("""
        create or replace function publicdata_access_agreement_immutable() returns trigger as $$
        begin
          if old.status = 'signed' then
            raise exception 'publicdata_access_agreement %% is signed and cannot change', old.id;
          end if;
          return new;
        end;
        $$ language plpgsql;
    """.replace("%%", "%"))
    op.execute("""
        create trigger publicdata_access_agreement_immutable
        before update on publicdata_access_agreement
        for each row execute function publicdata_access_agreement_immutable();
    """)

    op.create_table(
        "publicdata_access_use_report",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("use_description", sa.UnicodeText, nullable=False),
        sa.Column("results", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("benefits", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("problems", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("submitted_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_publicdata_access_use_report_request_id", "publicdata_access_use_report", ["request_id"])
    op.create_index("ix_publicdata_access_use_report_owner_org", "publicdata_access_use_report", ["owner_org"])


def downgrade() -> None:
    op.drop_table("publicdata_access_use_report")
    op.execute("drop trigger if exists publicdata_access_agreement_immutable on publicdata_access_agreement")
    op.drop_table("publicdata_access_agreement")
    op.execute("drop function if exists publicdata_access_agreement_immutable()")
    op.drop_table("publicdata_access_agreement_template")
    op.drop_table("publicdata_access_request_event")
    op.drop_table("publicdata_access_request")
    op.drop_table("publicdata_access_blocklist_entry")
    op.drop_table("publicdata_access_identity")
