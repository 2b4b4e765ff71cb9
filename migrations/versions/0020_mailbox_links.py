"""links that prove a mailbox, with a lifecycle; wrong two-factor codes alert the owner

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

Verification, reset and email-change links (and the new link that cancels an email change)
each get a row in ``mailbox_links``, holding only a SHA-256 of the link's secret: a link
works while its row is there, unused and unexpired. Links mailed before this migration carry
no row and stop working; their owners ask for a new one, as for an expired link.

``users`` gets the count of wrong two-factor codes after a right password, and when the
owner was last alerted about them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mailbox_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("new_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('verify', 'reset', 'email_change', 'email_change_cancel')",
            name=op.f("ck_mailbox_links_purpose_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mailbox_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mailbox_links_token_hash")),
    )
    with op.batch_alter_table("mailbox_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mailbox_links_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mailbox_links_expires_at"), ["expires_at"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("two_factor_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("last_two_factor_failure_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("two_factor_alerted_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite has it since 3.35), not batch mode: on SQLite a
    # batch copies the table and drops the old one, and with foreign keys on, dropping
    # ``users`` deletes every row that cascades from it (profiles, documents, …).
    for column in ("two_factor_alerted_at", "last_two_factor_failure_at", "two_factor_failures"):
        op.drop_column("users", column)

    with op.batch_alter_table("mailbox_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mailbox_links_expires_at"))
        batch_op.drop_index(batch_op.f("ix_mailbox_links_user_id"))

    op.drop_table("mailbox_links")
