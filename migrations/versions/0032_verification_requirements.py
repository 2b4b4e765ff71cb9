"""verification requirements: each seller's requirement states, deadlines and the last
email sent about each (issue 23)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

CODES = "'identity', 'bank', 'address', 'business', 'passport_valid'"
STATES = "'currently_due', 'eventually_due', 'past_due', 'pending_verification', 'satisfied'"
NOTICES = "'due', 'reminder', 'restricted'"


def upgrade():
    op.create_table(
        "verification_requirements",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("notified", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"code IN ({CODES})", name=op.f("ck_verification_requirements_code_known")
        ),
        sa.CheckConstraint(
            f"state IN ({STATES})", name=op.f("ck_verification_requirements_state_known")
        ),
        sa.CheckConstraint(
            f"notified IS NULL OR notified IN ({NOTICES})",
            name=op.f("ck_verification_requirements_notice_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_verification_requirements_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "code", name=op.f("pk_verification_requirements")),
    )
    with op.batch_alter_table("verification_requirements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_requirements_state"), ["state"])
        batch_op.create_index(batch_op.f("ix_verification_requirements_deadline"), ["deadline"])


def downgrade():
    op.drop_table("verification_requirements")
