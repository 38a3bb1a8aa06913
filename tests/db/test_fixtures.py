"""The shared database fixtures: each test's database is a copy of a session template, and it must
behave as one built in the test (its own audit chain and key file, a head file, verify passes)."""

from __future__ import annotations

import json
from pathlib import Path

from shuanbai_desktop.data import audit_key, engine, keyring
from shuanbai_desktop.data.models import Person
from shuanbai_desktop.services import database_ops

from ..conftest import copy_template, raw_connect


def _chain(db_path: Path) -> str:
    conn = raw_connect(db_path)
    try:
        return json.loads(conn.execute("SELECT value FROM setting WHERE key = ?",
                                       (audit_key.CHAIN_SETTING,)).fetchone()[0])
    finally:
        conn.close()


def test_a_copied_station_verifies_and_keeps_writing_under_its_own_key(station_db):
    assert not engine.is_plain_file(station_db.path)  # encrypted, as the program's own databases are
    assert keyring.keyring_path(station_db.path).exists()
    assert database_ops.verify(station_db).ok
    with station_db.session() as s:
        s.add(Person(name="张三"))
    result = database_ops.verify(station_db)
    assert result.ok, result
    assert audit_key.load_key(_chain(station_db.path)) is not None


def test_copies_have_their_own_chain_and_losing_one_key_touches_no_other(station_db, _station_template,
                                                                          tmp_path):
    other = tmp_path / "另一个" / "station.db"
    copy_template(_station_template, other)
    assert _chain(other) != _chain(station_db.path) != _chain(_station_template)
    audit_key.key_path(_chain(station_db.path)).unlink()
    assert audit_key.load_key(_chain(other)) is not None
    assert audit_key.load_key(_chain(_station_template)) is not None


def test_the_head_file_of_a_copy_notices_removed_newest_entries(station_db):
    head = audit_key.read_head(station_db.path)
    assert head is not None and head.id == database_ops.audit_head(station_db)
    station_db.close()
    conn = raw_connect(station_db.path, "rw")
    conn.execute("DELETE FROM audit_entry WHERE id = ?", (head.id,))
    conn.commit()
    conn.close()
    reopened = database_ops.open_app_database(station_db.path)
    try:
        result = database_ops.verify(reopened)
    finally:
        reopened.close()
    assert not result.ok and result.chain.missing == (head.id, head.id)


def test_station_db_acts_as_the_administrator(station_db, empty_db):
    assert station_db is empty_db
    assert station_db.acting_for is not None and station_db.acting_for.username == "admin"
