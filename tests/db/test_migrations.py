"""Schema: built by the migrations, equal to the models, upgradable from every released schema."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shuanbai_desktop.data.base import Base
from shuanbai_desktop.data.engine import APPLICATION_ID
from shuanbai_desktop.data.migrate import file_revision, head_revision
from shuanbai_desktop.data.models.person import is_search_index_table
from shuanbai_desktop.services import database_ops

FIXTURES = Path(__file__).parent / "fixtures"


def test_models_and_migrations_agree(empty_db):
    with empty_db.engine.connect() as conn:
        opts = {"compare_type": True,  # the search index's FTS5 tables are the migration's alone
                "include_name": lambda name, type_, _parents: not (type_ == "table" and is_search_index_table(name))}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []


def test_new_database_is_marked_and_at_head(fresh_db, db_path):
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()
    assert file_revision(db_path) == head_revision()


def _released():
    """A database of every released schema (release-*.db), plus the foundation's own (schema-*.db),
    each filled with demo data, so that every migration is run over real rows."""
    return sorted(FIXTURES.glob("release-*.db")) + sorted(FIXTURES.glob("schema-*.db"))


def test_there_is_a_fixture_for_each_release():
    from shuanbai_desktop import __version__
    names = [p.name for p in _released()]
    assert f"release-{__version__}.db" in names and "schema-0001-foundation.db" in names


def test_every_released_schema_upgrades_with_data_kept(tmp_path):
    for fixture in _released():
        path = tmp_path / fixture.name
        shutil.copy(fixture, path)
        before = sqlite3.connect(path).execute("SELECT count(*), min(name) FROM person").fetchone()
        db = database_ops.open_app_database(path)
        try:
            assert file_revision(path) == head_revision()
            result = database_ops.verify(db)
            assert result.ok, result
            after = sqlite3.connect(path).execute("SELECT count(*), min(name) FROM person").fetchone()
            assert after == before and before[0] > 0
        finally:
            db.close()
