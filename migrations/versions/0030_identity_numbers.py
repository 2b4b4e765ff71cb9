"""identity numbers (the MyKad or passport number beside the identity document, encrypted,
with a keyed hash to find one number on two accounts), and the business registration
document as a new kind of document

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06

``documents.kind`` grows to 32 characters: "business_registration" does not fit in 16.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('profile_photo', 'shop_photo', 'identity', 'bank_proof')"
KINDS_AFTER = (
    "kind IN ('profile_photo', 'shop_photo', 'identity', 'bank_proof', 'business_registration')"
)


def upgrade():
    op.create_table(
        "identity_numbers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("identity_type", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=255), nullable=False),
        sa.Column("number_digest", sa.String(length=64), nullable=False),
        sa.Column("number_last4", sa.String(length=4), nullable=False),
        sa.Column("passport_country", sa.String(length=2), nullable=True),
        sa.Column("passport_expires_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "identity_type IN ('mykad', 'passport')",
            name=op.f("ck_identity_numbers_identity_type_known"),
        ),
        sa.CheckConstraint(
            "identity_type = 'passport' OR "
            "(passport_country IS NULL AND passport_expires_on IS NULL)",
            name=op.f("ck_identity_numbers_passport_details_only_for_passports"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_identity_numbers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_identity_numbers")),
    )
    with op.batch_alter_table("identity_numbers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_numbers_number_digest"), ["number_digest"])

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_documents_kind_known"), type_="check")
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=16), type_=sa.String(length=32)
        )
        batch_op.create_check_constraint(op.f("ck_documents_kind_known"), KINDS_AFTER)


def downgrade():
    # A business registration document has no kind to go back to: its files stay in
    # storage until `flask documents check --fix` finds them without a row.
    op.execute("DELETE FROM documents WHERE kind = 'business_registration'")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_documents_kind_known"), type_="check")
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=32), type_=sa.String(length=16)
        )
        batch_op.create_check_constraint(op.f("ck_documents_kind_known"), KINDS_BEFORE)
    with op.batch_alter_table("identity_numbers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_numbers_number_digest"))
    op.drop_table("identity_numbers")
