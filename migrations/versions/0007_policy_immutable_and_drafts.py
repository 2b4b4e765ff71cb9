"""published policy versions become immutable in the database; a table for the admin's draft

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25

A published version is the text sellers accepted: triggers refuse any UPDATE or DELETE of
policy_versions, on PostgreSQL and on SQLite alike, whatever code or person sends it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MESSAGE = "published policy versions cannot be changed"


def upgrade():
    op.create_table(
        "policy_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_policy_drafts_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_drafts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION policy_versions_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER policy_versions_immutable BEFORE UPDATE OR DELETE ON policy_versions "
            "FOR EACH ROW EXECUTE FUNCTION policy_versions_immutable()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER policy_versions_no_{event.lower()} BEFORE {event} ON policy_versions "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER policy_versions_immutable ON policy_versions")
        op.execute("DROP FUNCTION policy_versions_immutable()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER policy_versions_no_{event}")
    op.drop_table("policy_drafts")
