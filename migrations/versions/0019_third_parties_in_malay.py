"""third parties: what they do and why data is shared, in Malay too

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-25

The registry's two texts that sellers read (on /third-parties and before they share) get a
Malay column each. The seeded parties get their translation, but only where an admin has
not changed the English since the seed: a translation of other words would be wrong.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COURIER_PURPOSE = (
    "Collect a seller's parcels from the address they give, and call them about the collection."
)
COURIER_PURPOSE_MS = (
    "Mengambil bungkusan penjual dari alamat yang diberikan, dan menghubungi mereka melalui "
    "telefon tentang pengambilan itu."
)
SEED_MS = [
    # slug, English service as seeded, Malay service, English purpose as seeded, Malay purpose
    (
        "sendparcel",
        "Books parcel collections and deliveries with local couriers.",
        "Menempah pengambilan dan penghantaran bungkusan dengan kurier tempatan.",
        COURIER_PURPOSE,
        COURIER_PURPOSE_MS,
    ),
    (
        "dhl",
        "Collects and delivers parcels (DHL eCommerce Malaysia).",
        "Mengambil dan menghantar bungkusan (DHL eCommerce Malaysia).",
        COURIER_PURPOSE,
        COURIER_PURPOSE_MS,
    ),
    (
        "woocommerce",
        "Runs online stores that sellers connect to the marketplace.",
        "Mengendalikan kedai dalam talian yang disambungkan oleh penjual ke pasaran.",
        "Link a seller's WooCommerce store to their Koopseri account, with the shop's name and "
        "contact details.",
        "Memautkan kedai WooCommerce penjual kepada akaun Koopseri mereka, bersama nama kedai "
        "dan butiran hubungannya.",
    ),
]

parties = sa.table(
    "third_parties",
    sa.column("slug", sa.String),
    sa.column("service", sa.Text),
    sa.column("purpose", sa.Text),
    sa.column("service_ms", sa.Text),
    sa.column("purpose_ms", sa.Text),
)


def upgrade():
    with op.batch_alter_table("third_parties") as batch_op:
        batch_op.add_column(sa.Column("service_ms", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("purpose_ms", sa.Text(), server_default="", nullable=False))
    for slug, service, service_ms, purpose, purpose_ms in SEED_MS:
        op.execute(
            parties.update()
            .where(parties.c.slug == slug, parties.c.service == service)
            .values(service_ms=service_ms)
        )
        op.execute(
            parties.update()
            .where(parties.c.slug == slug, parties.c.purpose == purpose)
            .values(purpose_ms=purpose_ms)
        )


def downgrade():
    with op.batch_alter_table("third_parties") as batch_op:
        batch_op.drop_column("purpose_ms")
        batch_op.drop_column("service_ms")
