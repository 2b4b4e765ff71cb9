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
