"""Every stored column is classified: personal (with category and purpose) or not."""

from portal.datamap import NOT_PERSONAL, PERSONAL
from portal.extensions import db


def test_every_column_is_classified_exactly_once(app):
    columns = {f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns}
    unclassified = columns - PERSONAL.keys() - NOT_PERSONAL
    assert not unclassified, f"classify these in portal/datamap.py: {sorted(unclassified)}"
    assert not (PERSONAL.keys() & NOT_PERSONAL)
    assert not (PERSONAL.keys() | NOT_PERSONAL) - columns, "the map names columns that do not exist"


def test_personal_columns_state_a_purpose():
    for column, entry in PERSONAL.items():
        assert entry.purpose.strip(), column


def test_every_kind_of_stored_file_is_classified():
    from portal.datamap import STORED_FILES
    from portal.documents.models import DocumentKind, FilePurpose

    made = {
        f"{kind}/{purpose}"
        for kind in DocumentKind
        for purpose in FilePurpose
        if kind.is_evidence or purpose != FilePurpose.ORIGINAL
    }
    assert made == set(STORED_FILES)


def test_every_table_belongs_to_a_seller_or_says_why_not(app):
    from portal.datamap import unclassified

    assert unclassified(db.metadata) == []


def test_a_new_unclassified_column_or_table_is_caught():
    """A model added next year, with nobody updating the map, fails the check."""
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

    from portal.datamap import unclassified

    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    Table(
        "seller_notes",  # a throw-away model: a new table of seller data
        metadata,
        Column("id", Integer, primary_key=True),
        Column("user_id", ForeignKey("users.id")),
        Column("note", String(200)),
    )
    found = unclassified(metadata)
    assert "seller_notes.note" in found and "seller_notes.user_id" in found
    assert "seller_notes" in found  # the table is neither a seller's nor explained


def test_every_table_that_points_at_an_account_is_erased_or_explained(app):
    from portal.datamap import OTHER_TABLES, SELLER_TABLES

    for table in db.metadata.sorted_tables:
        points_at_users = any(fk.column.table.name == "users" for fk in table.foreign_keys)
        if points_at_users and table.name not in SELLER_TABLES:
            assert table.name in OTHER_TABLES, table.name


def test_every_retention_rule_named_by_the_map_exists_and_is_published(app, client):
    from portal.datamap import PERSONAL, STORED_FILES, Retention
    from portal.retention.rules import RULES

    keys = {rule.key for rule in RULES}
    assert keys == set(Retention)
    for entry in (*PERSONAL.values(), *STORED_FILES.values()):
        assert entry.retention in keys
    page = client.get("/retention").get_data(as_text=True)
    with app.test_request_context():
        for rule in RULES:
            assert f'data-rule="{rule.key}"' in page
            assert rule.kept in page


def test_every_column_naming_an_account_says_what_erasure_does(app):
    from portal.datamap import ACCOUNT_REFERENCES, SELLER_TABLES, Erase, names_an_account

    naming = {
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if names_an_account(column)
    }
    assert naming == set(ACCOUNT_REFERENCES)
    deleted = {key for key, erase in ACCOUNT_REFERENCES.items() if erase == Erase.DELETE}
    owners = {f"{name}.{owned.owner}" for name, owned in SELLER_TABLES.items() if not owned.via}
    assert deleted == owners  # the rows erasure deletes, and no others


def test_the_schema_blanks_what_the_map_says_erasure_blanks(app):
    """Erasure leaves BLANK columns to the database (the audit trail refuses UPDATEs)."""
    from portal.datamap import ACCOUNT_REFERENCES, Erase

    for key, erase in ACCOUNT_REFERENCES.items():
        if erase != Erase.BLANK:
            continue
        table, name = key.split(".")
        column = db.metadata.tables[table].c[name]
        assert column.nullable, key
        assert {fk.ondelete for fk in column.foreign_keys} == {"SET NULL"}, key


def test_personal_columns_are_erased_with_their_table(app):
    """A seller's table loses its rows with the seller; someone else's record keeps the row
    and empties the value."""
    from portal.datamap import SELLER_TABLES, Erase

    for key, entry in PERSONAL.items():
        table = key.split(".")[0]
        assert entry.erase == (Erase.DELETE if table in SELLER_TABLES else Erase.BLANK), key


def test_the_files_a_table_names_are_in_a_store_erasure_knows(app):
    from portal.datamap import SELLER_TABLES
    from portal.erasure.files import STORES

    named = {name: owned.files for name, owned in SELLER_TABLES.items() if owned.files}
    assert {files.store for files in named.values()} == set(STORES)
    for name, files in named.items():
        assert set(files.columns) <= set(db.metadata.tables[name].c.keys()), name


def test_erasure_does_what_the_map_says(app):
    """Every seller table loses the seller's rows, every file they named goes, the columns
    elsewhere that named the seller are emptied, and the other seller keeps everything."""
    from sqlalchemy import func, select, update

    from portal.audit.services import record
    from portal.auth.models import User
    from portal.datamap import ACCOUNT_REFERENCES, SELLER_TABLES, Erase
    from portal.erasure import erase_account
    from portal.erasure.files import STORES
    from portal.erasure.rows import belonging_to
    from portal.sharing import connectors
    from tests.retention.conftest import fill_seller, mail_files, rows_of, stored_keys

    erased = fill_seller(app, "a@example.com", "Aminah Yusof")
    kept = fill_seller(app, "b@example.com", "Bala Krishnan")
    with app.test_request_context():
        documents = db.metadata.tables["documents"]
        db.session.execute(
            update(documents).where(documents.c.user_id == kept).values(reviewer_id=erased)
        )
        record(db.session.get(User, erased), "test.act", "account", kept)
        db.session.commit()
        kept_rows = rows_of(kept)
        named = {}
        for name, owned in SELLER_TABLES.items():
            if owned.files:
                table = db.metadata.tables[name]
                columns = (table.c[column] for column in owned.files.columns)
                query = select(*columns).where(belonging_to(table, owned, [erased]))
                named[owned.files.store] = STORES[owned.files.store].keys(
                    db.session.execute(query).all()
                )
        assert all(named.values()) and set(named) == set(STORES)

        def present(store: str) -> set[str]:
            if store == "shared":
                return {f"{p.parent.name}/{p.name}" for p in connectors.sharing_folder().rglob("*")}
            return stored_keys(app) if store == "documents" else mail_files(app)

        for store, keys in named.items():
            assert set(keys) <= present(store), store

        erase_account(erased, reason="test")
        db.session.commit()

        assert set(rows_of(erased).values()) == {0}
        assert rows_of(kept) == kept_rows
        for store, keys in named.items():
            assert not set(keys) & present(store), store
        for key, erase in ACCOUNT_REFERENCES.items():
            table, column = key.split(".")
            table = db.metadata.tables[table]
            naming = select(func.count()).select_from(table).where(table.c[column] == erased)
            assert db.session.scalar(naming) == 0, key
            if erase == Erase.BLANK and key in ("documents.reviewer_id", "audit_events.actor_id"):
                emptied = select(func.count()).select_from(table).where(table.c[column].is_(None))
                assert db.session.scalar(emptied) >= 1, key  # the row stayed, naming no one


def test_every_category_the_map_uses_has_a_legal_basis():
    """The record of processing (/admin/processing) prints each category's legal basis."""
    from portal.datamap import LEGAL_BASES, OTHER_FILES, STORED_FILES

    used = {entry.category for entry in (*PERSONAL.values(), *STORED_FILES.values())}
    used |= {entry.category for entry in OTHER_FILES.values()}
    assert used <= {category for category, bases in LEGAL_BASES.items() if bases}
