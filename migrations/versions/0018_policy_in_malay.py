"""policy versions in Malay too (version 1's translation published); the language a seller accepted

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-25

Every version has its text in Malay beside the English one, which prevails. Translations are
immutable like the versions (triggers refuse UPDATE and DELETE). Version 1's translation
ships in portal/policy/content/v1.ms.md, pinned by its SHA-256 like v1.md in 0002. Consent
records gain the language of the text the seller accepted: "en" for every earlier one, as
only English was published before this. The admin's draft gains the Malay text.
"""

import hashlib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

V1_MS_FILE = Path(__file__).resolve().parents[2] / "portal" / "policy" / "content" / "v1.ms.md"
V1_MS_SHA256 = "03a4b2c8475380e662c4b1224399f84b6b26f32cec6d50e7c4a00bad83752b2f"
V1_MS_SUMMARY = "Dasar Privasi Penjual Koopseri, seperti yang diterbitkan kali pertama."
MESSAGE = "published policy translations cannot be changed"


def upgrade():
    translations = op.create_table(
        "policy_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_version_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_version_id"], ["policy_versions.id"],
            name=op.f("fk_policy_translations_policy_version_id_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_translations")),
        sa.UniqueConstraint(
            "policy_version_id", "language", name=op.f("uq_policy_translations_policy_version_id")
        ),
    )
    with op.batch_alter_table("consent_records") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )
    with op.batch_alter_table("policy_drafts") as batch_op:
        batch_op.add_column(sa.Column("body_markdown_ms", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("summary_ms", sa.String(length=500), server_default="", nullable=False)
        )

    body = V1_MS_FILE.read_bytes()
    if hashlib.sha256(body).hexdigest() != V1_MS_SHA256:
        raise RuntimeError(f"{V1_MS_FILE} differs from the published Malay version 1")
    version_1 = op.get_bind().scalar(sa.text("SELECT id FROM policy_versions WHERE version = 1"))
    if version_1 is not None:
        op.bulk_insert(
            translations,
            [
                {
                    "policy_version_id": version_1,
                    "language": "ms",
                    "body_markdown": body.decode("utf-8"),
                    "summary": V1_MS_SUMMARY,
                }
            ],
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION policy_translations_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER policy_translations_immutable BEFORE UPDATE OR DELETE "
            "ON policy_translations FOR EACH ROW EXECUTE FUNCTION policy_translations_immutable()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER policy_translations_no_{event.lower()} BEFORE {event} "
                f"ON policy_translations BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER policy_translations_immutable ON policy_translations")
        op.execute("DROP FUNCTION policy_translations_immutable()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER policy_translations_no_{event}")
    with op.batch_alter_table("policy_drafts") as batch_op:
        batch_op.drop_column("summary_ms")
        batch_op.drop_column("body_markdown_ms")
    with op.batch_alter_table("consent_records") as batch_op:
        batch_op.drop_column("language")
    op.drop_table("policy_translations")
