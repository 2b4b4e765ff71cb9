"""a staff role for the Data Protection Officer (PDPA s.12A)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06

The users table's check on roles admits ``dpo``. Going down, a DPO's account becomes a
support account (the least privileged role left) rather than breaking the check.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("role", sa.String))
BEFORE = ("seller", "admin", "reviewer", "support")
AFTER = (*BEFORE, "dpo")


@contextmanager
def _foreign_keys_off():
    """SQLite changes a CHECK by rebuilding the table; with foreign keys enforced, dropping
    the old users table would delete, by cascade, every row that points at an account (see
    0021). PostgreSQL alters the table in place."""
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


def _roles(roles) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade():
    with _foreign_keys_off(), op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role_known"), _roles(AFTER))


def downgrade():
    op.execute(users.update().where(users.c.role == "dpo").values(role="support"))
    with _foreign_keys_off(), op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role_known"), _roles(BEFORE))
