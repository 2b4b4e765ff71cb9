"""third parties spoken to in their own APIs: each party's connector and privacy contact, a
seller's own WooCommerce keys, and erasure requests made through an API or by email
(issue 24)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06

The three parties the policy names get their own connectors (MyDHL API, Pos Malaysia
SendParcel, WooCommerce REST API v3); any other party keeps the portal's generic JSON. A store
connected before this revision has no keys: its seller is asked to connect it again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

CONNECTORS = {"dhl": "mydhl", "sendparcel": "sendparcel", "woocommerce": "woocommerce"}


def upgrade():
    with op.batch_alter_table("third_parties") as batch:
        batch.add_column(
            sa.Column("connector", sa.String(length=32), nullable=False, server_default="json")
        )
        batch.add_column(sa.Column("privacy_email", sa.String(length=254), nullable=True))
    parties = sa.table("third_parties", sa.column("slug", sa.String), sa.column("connector"))
    for slug, connector in CONNECTORS.items():
        op.execute(parties.update().where(parties.c.slug == slug).values(connector=connector))

    with op.batch_alter_table("store_connections") as batch:
        batch.add_column(sa.Column("consumer_key", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("consumer_secret", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("key_hint", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("customer_id", sa.String(length=64), nullable=True))

    with op.batch_alter_table("erasure_requests") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=8), nullable=False, server_default="api")
        )
        batch.add_column(sa.Column("partner_refs", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("credentials", sa.String(length=1024), nullable=True))
        batch.add_column(sa.Column("contact", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("answer", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("erasure_requests") as batch:
        for name in ("answer", "answered_at", "contact", "credentials", "partner_refs", "channel"):
            batch.drop_column(name)
    with op.batch_alter_table("store_connections") as batch:
        for name in ("customer_id", "key_hint", "consumer_secret", "consumer_key"):
            batch.drop_column(name)
    with op.batch_alter_table("third_parties") as batch:
        batch.drop_column("privacy_email")
        batch.drop_column("connector")
