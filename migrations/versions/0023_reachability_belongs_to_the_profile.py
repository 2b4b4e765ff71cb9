"""reachability belongs to the seller's profile: email failures and the unreachable flag move
from users to seller_reachability

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

``users.email_failures`` and ``users.unreachable_since`` were written by the outbox, which
now imports no feature: the profile keeps them in a table of its own, one row per account
that has anything to remember (a failure count above zero, or the flag). Going down puts
them back on ``users`` (zero and NULL for everyone else).
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


@contextmanager
def _foreign_keys_off():
    """SQLite drops a column by rebuilding the table; with foreign keys enforced, dropping the
    old users table would delete, by cascade, every row that points at an account. They are
    off for the rebuild, outside the transaction (a PRAGMA inside one does nothing), as
    Alembic's batch documentation advises; PostgreSQL alters the table in place."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    op.create_table(
        "seller_reachability",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email_failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_seller_reachability_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_seller_reachability")),
    )
    with op.batch_alter_table("seller_reachability", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seller_reachability_unreachable_since"),
            ["unreachable_since"],
            unique=False,
        )
    op.execute(
        "INSERT INTO seller_reachability (user_id, email_failures, unreachable_since) "
        "SELECT id, email_failures, unreachable_since FROM users "
        "WHERE email_failures > 0 OR unreachable_since IS NOT NULL"
    )
    with _foreign_keys_off(), op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_unreachable_since"))
        batch_op.drop_column("unreachable_since")
        batch_op.drop_column("email_failures")


def downgrade():
    with _foreign_keys_off(), op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_users_unreachable_since"), ["unreachable_since"], unique=False
        )
    op.execute(
        "UPDATE users SET "
        "email_failures = (SELECT r.email_failures FROM seller_reachability r"
        " WHERE r.user_id = users.id), "
        "unreachable_since = (SELECT r.unreachable_since FROM seller_reachability r"
        " WHERE r.user_id = users.id) "
        "WHERE id IN (SELECT user_id FROM seller_reachability)"
    )
    with op.batch_alter_table("seller_reachability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seller_reachability_unreachable_since"))
    op.drop_table("seller_reachability")
