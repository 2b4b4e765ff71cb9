"""third parties: the contract, the hours to report a breach, the basis for a transfer abroad

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

Each party of the registry gains its contract's reference and date, the hours within which
it must report a breach of seller data to Koopseri, and, for a party outside Malaysia, the
basis for the transfer (PDPA s.129) with the day it is reviewed. All empty for the parties
already registered: nobody knows their terms yet, and a party abroad without a basis comes
up on the back-office home until an admin records one.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

BASES = (
    "adequate_law",
    "consent",
    "contract_with_seller",
    "contract_for_seller",
    "legal_proceedings",
    "avoid_harm",
    "due_diligence",
    "vital_interests",
    "public_interest",
)


@contextmanager
def _rebuilding_third_parties():
    """SQLite adds a CHECK by rebuilding the table; with foreign keys enforced, dropping the
    old third_parties table would trip over the disclosures, pickups and connections that
    point at it (as in 0025). PostgreSQL alters the table in place."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    try:
        with op.batch_alter_table("third_parties", schema=None) as batch_op:
            yield batch_op
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    with _rebuilding_third_parties() as batch_op:
        batch_op.add_column(sa.Column("contract_reference", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("contract_signed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("breach_notice_hours", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("transfer_basis", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("transfer_review_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_third_parties_breach_hours_positive"),
            "breach_notice_hours IS NULL OR breach_notice_hours > 0",
        )
        batch_op.create_check_constraint(
            op.f("ck_third_parties_transfer_basis_has_review"),
            "transfer_basis IS NULL OR transfer_review_on IS NOT NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_third_parties_transfer_basis_known"),
            "transfer_basis IS NULL OR transfer_basis IN ("
            + ", ".join(f"'{basis}'" for basis in BASES)
            + ")",
        )


def downgrade():
    with _rebuilding_third_parties() as batch_op:
        batch_op.drop_constraint(op.f("ck_third_parties_transfer_basis_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_third_parties_transfer_basis_has_review"), type_="check")
        batch_op.drop_constraint(op.f("ck_third_parties_breach_hours_positive"), type_="check")
        batch_op.drop_column("transfer_review_on")
        batch_op.drop_column("transfer_basis")
        batch_op.drop_column("breach_notice_hours")
        batch_op.drop_column("contract_signed_on")
        batch_op.drop_column("contract_reference")
