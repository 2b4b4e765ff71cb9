"""corrections passed on to the third parties that received the data (PDPA s.35)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

One row per third party owed a corrected value: queued with the seller's change, sent
through the sharing door after the response and tried again until the party accepts it (the
accepted one is recorded as a disclosure with the purpose ``correction``); a party that
cannot be sent to (retired, no endpoint) is listed for staff.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("third_party_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("corrects", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disclosure_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'staff', 'handled')",
            name=op.f("ck_corrections_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_corrections_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["third_party_id"],
            ["third_parties.id"],
            name=op.f("fk_corrections_third_party_id_third_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_corrections_disclosure_id_disclosures"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by"],
            ["users.id"],
            name=op.f("fk_corrections_handled_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
        sa.UniqueConstraint("reference", name=op.f("uq_corrections_reference")),
    )
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_corrections_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_corrections_handled_by"), ["handled_by"], unique=False
        )
        batch_op.create_index("ix_corrections_status_id", ["status", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_index("ix_corrections_status_id")
        batch_op.drop_index(batch_op.f("ix_corrections_handled_by"))
        batch_op.drop_index(batch_op.f("ix_corrections_user_id"))
    op.drop_table("corrections")
