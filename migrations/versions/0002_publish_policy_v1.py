"""publish the client's Seller Privacy Policy as version 1

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

The text ships in portal/policy/content/v1.md. A published version never changes, so the
file is pinned by its SHA-256: an edited file stops this migration instead of silently
publishing different words as "version 1" on new databases.
"""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

V1_FILE = Path(__file__).resolve().parents[2] / "portal" / "policy" / "content" / "v1.md"
V1_SHA256 = "0923a8fe1595a1aeebe05eb93d3892869121365916e6a209bdbc5c00c3e551e1"
V1_PUBLISHED = datetime(2026, 11, 25, tzinfo=UTC)

policy_versions = sa.table(
    "policy_versions",
    sa.column("version", sa.Integer),
    sa.column("body_markdown", sa.Text),
    sa.column("summary", sa.String),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("effective_at", sa.DateTime(timezone=True)),
)


def upgrade():
    body = V1_FILE.read_bytes()
    if hashlib.sha256(body).hexdigest() != V1_SHA256:
        raise RuntimeError(f"{V1_FILE} differs from the published version 1; publish a new version instead")
    op.bulk_insert(
        policy_versions,
        [
            {
                "version": 1,
                "body_markdown": body.decode("utf-8"),
                "summary": "The client's Seller Privacy Policy, as first published.",
                "published_at": V1_PUBLISHED,
                "effective_at": V1_PUBLISHED,
            }
        ],
    )


def downgrade():
    op.execute(policy_versions.delete().where(policy_versions.c.version == 1))
