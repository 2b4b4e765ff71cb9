"""the registry names DHL Express, the DHL the MyDHL API books (issue 24)

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06

The seeded DHL row said "DHL eCommerce Malaysia", but pickups now go through DHL Express's
MyDHL API. Only the seeded wording is replaced: a row an admin has reworded stays as it is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

OLD = (
    "Collects and delivers parcels (DHL eCommerce Malaysia).",
    "Mengambil dan menghantar bungkusan (DHL eCommerce Malaysia).",
)
NEW = (
    "Collects and delivers parcels (DHL Express Malaysia, booked through the MyDHL API).",
    "Mengambil dan menghantar bungkusan (DHL Express Malaysia, ditempah melalui API MyDHL).",
)

parties = sa.table(
    "third_parties",
    sa.column("slug", sa.String),
    sa.column("service", sa.Text),
    sa.column("service_ms", sa.Text),
)


def _reword(before: tuple[str, str], after: tuple[str, str]) -> None:
    for column, old, new in zip(("service", "service_ms"), before, after, strict=True):
        op.execute(
            parties.update()
            .where(parties.c.slug == "dhl", parties.c[column] == old)
            .values({column: new})
        )


def upgrade():
    _reword(OLD, NEW)


def downgrade():
    _reword(NEW, OLD)
