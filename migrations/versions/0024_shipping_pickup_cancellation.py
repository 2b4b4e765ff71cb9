"""a pickup can be cancelled before its day: its status, when, and the disclosure that told
the courier; a disclosure can name the earlier transfer it called off

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06

Every existing pickup is ``booked``. A cancellation is a message to the courier through the
sharing door, recorded as a disclosure with no categories and ``cancels_reference`` set.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancels_reference", sa.String(length=100), nullable=True))
    with op.batch_alter_table("pickups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="booked", nullable=False)
        )
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancellation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pickups_cancellation_id_disclosures"),
            "disclosures",
            ["cancellation_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_pickups_status_known"), "status IN ('booked', 'cancelled')"
        )


def downgrade():
    with op.batch_alter_table("pickups", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pickups_status_known"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_pickups_cancellation_id_disclosures"), type_="foreignkey"
        )
        batch_op.drop_column("cancellation_id")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("status")
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.drop_column("cancels_reference")
