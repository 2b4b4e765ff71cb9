"""business details: how the seller sells, the SSM number, the TIN and the SST registration

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06

One row per seller who filled in the profile's "Business details" section (issue 23). The TIN
is stored encrypted (``portal.crypto.Encrypted("business_details.tin")``), with its last four
characters apart for masked display.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "business_details",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("selling_as", sa.String(length=16), nullable=False),
        sa.Column("business_name", sa.String(length=200), nullable=True),
        sa.Column("ssm_number", sa.String(length=12), nullable=True),
        sa.Column("ssm_old_number", sa.String(length=30), nullable=True),
        sa.Column("tin", sa.String(length=255), nullable=True),
        sa.Column("tin_last4", sa.String(length=4), nullable=True),
        sa.Column("sst_registered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sst_number", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "selling_as IN ('individual', 'business', 'company', 'llp')",
            name=op.f("ck_business_details_selling_as_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_business_details_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_business_details")),
    )


def downgrade():
    op.drop_table("business_details")
