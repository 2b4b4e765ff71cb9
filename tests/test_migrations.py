"""Migrations: they build exactly the models' schema, on SQLite and PostgreSQL, and seed v1."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from portal.extensions import db
from portal.policy.models import PolicyVersion


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    assert _differences(app) == []


def test_a_new_database_starts_with_the_clients_policy_as_version_1(app):
    with app.app_context():
        [version] = db.session.scalars(select(PolicyVersion)).all()
        assert version.version == 1
        assert version.body_markdown.startswith("# Koopseri Seller Privacy Policy")
        assert version.effective_at.tzinfo is not None


def test_downgrade_to_nothing_and_back(app):
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        assert db.session.scalar(select(PolicyVersion.version)) == 1
    assert _differences(app) == []


def test_the_v1_text_is_pinned_by_its_hash():
    import hashlib
    import importlib.util
    from pathlib import Path

    path = next(Path(__file__).resolve().parents[1].glob("migrations/versions/0002_*.py"))
    spec = importlib.util.spec_from_file_location("m0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert hashlib.sha256(module.V1_FILE.read_bytes()).hexdigest() == module.V1_SHA256
