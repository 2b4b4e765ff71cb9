"""one account state machine: awaiting verification, closed by the seller or by staff; and
erasure proposals waiting for a second person

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

``users.status`` held active, frozen and terminated. It now holds the states of
``portal.auth.states``: a seller whose email is not confirmed is "unverified"; a terminated
account is "closed_by_staff" when the audit trail shows staff closed it (an
"account.terminate" event about it at or after its termination time), otherwise
"closed_by_seller". A CHECK keeps the column to those values. Going down maps them back.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

STATES = ("unverified", "active", "frozen", "closed_by_seller", "closed_by_staff")

users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("status", sa.String),
    sa.column("email_verified_at", sa.DateTime(timezone=True)),
    sa.column("terminated_at", sa.DateTime(timezone=True)),
)
audit_events = sa.table(
    "audit_events",
    sa.column("action", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
)


def _utc(value):
    """SQLite gives text without an offset, PostgreSQL an aware value: both as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _closed_by_staff(connection) -> list[int]:
    closures = {
        user_id: _utc(at)
        for user_id, at in connection.execute(
            sa.select(users.c.id, users.c.terminated_at).where(users.c.status == "terminated")
        )
    }
    if not closures:
        return []
    by_staff = set()
    for user_id, at in connection.execute(
        sa.select(audit_events.c.subject_id, audit_events.c.at).where(
            audit_events.c.action == "account.terminate",
            audit_events.c.subject_id.in_(list(closures)),
        )
    ):
        closed_at = closures[user_id]
        # The event is written just after the closure; one before it was an earlier closure
        # that the seller has since undone.
        if closed_at is None or _utc(at) >= closed_at:
            by_staff.add(user_id)
    return sorted(by_staff)


@contextmanager
def _foreign_keys_off():
    """SQLite adds a CHECK by rebuilding the table; with foreign keys enforced, dropping the
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
    connection = op.get_bind()
    staff_closed = _closed_by_staff(connection)
    if staff_closed:
        op.execute(
            users.update().where(users.c.id.in_(staff_closed)).values(status="closed_by_staff")
        )
    op.execute(
        users.update().where(users.c.status == "terminated").values(status="closed_by_seller")
    )
    op.execute(
        users.update()
        .where(
            users.c.role == "seller",
            users.c.status == "active",
            users.c.email_verified_at.is_(None),
        )
        .values(status="unverified")
    )
    with _foreign_keys_off(), op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_users_status_known"),
            "status IN (" + ", ".join(f"'{s}'" for s in STATES) + ")",
        )

    op.create_table(
        "erasure_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(source = 'minor_report' AND report_id IS NOT NULL AND document_id IS NULL) OR "
            "(source = 'under_age_document' AND document_id IS NOT NULL AND report_id IS NULL)",
            name=op.f("ck_erasure_proposals_names_its_object"),
        ),
        sa.CheckConstraint(
            "source IN ('minor_report', 'under_age_document')",
            name=op.f("ck_erasure_proposals_source_known"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_erasure_proposals_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["users.id"],
            name=op.f("fk_erasure_proposals_proposed_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["minor_reports.id"],
            name=op.f("fk_erasure_proposals_report_id_minor_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_erasure_proposals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_proposals")),
        sa.UniqueConstraint("user_id", name=op.f("uq_erasure_proposals_user_id")),
    )
    with op.batch_alter_table("erasure_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erasure_proposals_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_erasure_proposals_proposed_by"), ["proposed_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_erasure_proposals_report_id"), ["report_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("erasure_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasure_proposals_report_id"))
        batch_op.drop_index(batch_op.f("ix_erasure_proposals_proposed_by"))
        batch_op.drop_index(batch_op.f("ix_erasure_proposals_document_id"))
    op.drop_table("erasure_proposals")

    with _foreign_keys_off(), op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_status_known"), type_="check")
    op.execute(
        users.update()
        .where(users.c.status.in_(("closed_by_seller", "closed_by_staff")))
        .values(status="terminated")
    )
    op.execute(users.update().where(users.c.status == "unverified").values(status="active"))
