"""minor reports: the showing of the form that filed each one, so a form files one report

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

A digest of the random value carried by the form's "started" token; unique, so a robot that
fetched the form once cannot replay it. Existing reports have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("minor_reports") as batch_op:
        batch_op.add_column(sa.Column("form_nonce_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            "uq_minor_reports_form_nonce_hash", ["form_nonce_hash"]
        )


def downgrade():
    with op.batch_alter_table("minor_reports") as batch_op:
        batch_op.drop_constraint("uq_minor_reports_form_nonce_hash", type_="unique")
        batch_op.drop_column("form_nonce_hash")
