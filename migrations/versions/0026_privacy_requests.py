"""data-subject requests with their statutory clocks, and the public form's codes

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

PDPA s.30-31 (access), s.35 (correction), s.43A (portability): ``privacy_requests`` keeps
each request with the day it is due (21 days, 14 more once extended); the account's id is
emptied when the account is erased. ``privacy_request_codes`` holds a request typed into
the public form until the code emailed to its address is entered (the code as a keyed
digest only).
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("requester_email", sa.String(length=254), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("refusal_ground", sa.String(length=32), nullable=True),
        sa.Column("copy_token_hash", sa.String(length=64), nullable=True),
        sa.Column("copy_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('access', 'correction', 'portability', 'objection', 'deletion')",
            name=op.f("ck_privacy_requests_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'extended', 'answered', 'refused')",
            name=op.f("ck_privacy_requests_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_privacy_requests_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["users.id"],
            name=op.f("fk_privacy_requests_closed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_privacy_requests_reference")),
        sa.UniqueConstraint("copy_token_hash", name=op.f("uq_privacy_requests_copy_token_hash")),
    )
    with op.batch_alter_table("privacy_requests") as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_requests_user_id"), ["user_id"])
        batch_op.create_index(batch_op.f("ix_privacy_requests_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_privacy_requests_closed_at"), ["closed_at"])
        batch_op.create_index(batch_op.f("ix_privacy_requests_closed_by"), ["closed_by"])

    op.create_table(
        "privacy_request_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_request_codes")),
    )
    with op.batch_alter_table("privacy_request_codes") as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_request_codes_expires_at"), ["expires_at"])


def downgrade():
    with op.batch_alter_table("privacy_request_codes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_request_codes_expires_at"))
    op.drop_table("privacy_request_codes")
    with op.batch_alter_table("privacy_requests") as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_requests_closed_by"))
        batch_op.drop_index(batch_op.f("ix_privacy_requests_closed_at"))
        batch_op.drop_index(batch_op.f("ix_privacy_requests_status"))
        batch_op.drop_index(batch_op.f("ix_privacy_requests_user_id"))
    op.drop_table("privacy_requests")
