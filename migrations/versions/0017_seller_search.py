"""seller search: a table of normalised search terms per seller, indexed, and backfilled

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 09:00:00.000000

Staff find a seller by any word of their name or shop name, their email or their phone
number as typed. Each of those is a prefix range on ``seller_search_terms.term`` (see
``portal.search``), an index range scan on SQLite (BINARY collation) and on PostgreSQL,
where the column's collation is "C" so that the B-tree serves ``>=``/``<`` on bytes
whatever the database's locale. Existing sellers' terms are built here, in batches.

The normalisation below is a frozen copy of ``portal.search.terms`` as of this revision
(migrations do not import the app). If that module changes, a later migration rebuilds
the terms.
"""
import re
import unicodedata

from alembic import op
import phonenumbers
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

MAX_TERM = 200
MAX_TAILS = 8
BATCH = 1000

_NON_WORD = re.compile(r"[\W_]+")
_NOT_DIGIT = re.compile(r"\D")


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tails(text):
    words = [word for word in _NON_WORD.split(_fold(text or "")) if word]
    return {" ".join(words[start:])[:MAX_TERM] for start in range(min(len(words), MAX_TAILS))}


def _phone_terms(phone_e164):
    if not phone_e164:
        return set()
    found = {_NOT_DIGIT.sub("", phone_e164)}
    try:
        number = phonenumbers.parse(phone_e164, None)
    except phonenumbers.NumberParseException:
        return found - {""}
    significant = phonenumbers.national_significant_number(number)
    found.add(significant)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    found.add(_NOT_DIGIT.sub("", national))
    # The trunk prefix before the number as well, even where the formatter leaves it out
    # (numbers it does not know as valid): 0 + 185599944.
    region = phonenumbers.region_code_for_country_code(number.country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is not None and metadata.national_prefix:
        found.add(metadata.national_prefix + significant)
    return found - {""}


def _terms(full_name, email, phone_e164, shop_name):
    found = _tails(full_name) | _tails(shop_name) | _phone_terms(phone_e164)
    if email and email.strip():
        found.add(email.strip().casefold()[:MAX_TERM])
    return found


def upgrade():
    op.create_table('seller_search_terms',
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'], name=op.f('fk_seller_search_terms_seller_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seller_id', 'term', name=op.f('pk_seller_search_terms'))
    )
    with op.batch_alter_table('seller_search_terms', schema=None) as batch_op:
        batch_op.create_index('ix_seller_search_terms_term', ['term', 'seller_id'], unique=False)

    _backfill()


def _backfill():
    users = sa.table(
        'users',
        sa.column('id', sa.Integer),
        sa.column('role', sa.String),
        sa.column('full_name', sa.String),
        sa.column('email', sa.String),
        sa.column('phone_e164', sa.String),
    )
    profiles = sa.table(
        'seller_profiles', sa.column('user_id', sa.Integer), sa.column('display_name', sa.String)
    )
    terms = sa.table('seller_search_terms', sa.column('seller_id', sa.Integer), sa.column('term'))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                users.c.id, users.c.full_name, users.c.email, users.c.phone_e164,
                profiles.c.display_name,
            )
            .select_from(users.outerjoin(profiles, profiles.c.user_id == users.c.id))
            .where(users.c.role == 'seller', users.c.id > last)
            .order_by(users.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = [
            {'seller_id': row.id, 'term': term}
            for row in rows
            for term in _terms(row.full_name, row.email, row.phone_e164, row.display_name)
        ]
        if values:
            connection.execute(terms.insert(), values)
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('seller_search_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_seller_search_terms_term')

    op.drop_table('seller_search_terms')
