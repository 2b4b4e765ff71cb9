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
