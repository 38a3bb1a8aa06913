"""On a server the audit trail's rows are appended just before the commit (issue 19, speed): the chain's
lock covers that insert and the COMMIT only, so one PC's open transaction does not hold up another's
save. Rolled-back work (a transaction, a savepoint) leaves no entries; a reader in the writing
transaction sees its own entries. On both backends; two PCs at once: test_audit_commit_server.py."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shuanbai_desktop.data import audit, record_versions
from shuanbai_desktop.data.models import AuditEntry, Person, Setting
from shuanbai_desktop.services import persons
from tests.conftest import BOTH

BACKENDS = BOTH


def entries(db, prefix: str) -> list[tuple[int, str]]:
    """(id, record) of the setting rows' and the events' entries whose record starts with ``prefix``."""
    with db.session() as s:
        rows = s.execute(select(AuditEntry.id, AuditEntry.record_id)
                         .where(AuditEntry.record_id.startswith(prefix)).order_by(AuditEntry.id))
        return [(row.id, row.record_id) for row in rows]


def verified(db) -> None:
    with db.session() as s:
        check = audit.verify_chain(s)
    assert check.ok, check.message


def change(session, key: str) -> None:
    """An audited row change and an event, as a save and its log line are."""
    session.add(Setting(key=key, value='"x"'))
    session.flush()
    audit.record_event(session, "test", key, f"事件 {key}")


def test_the_commit_writes_what_was_never_flushed_by_hand(station_db):
    """The commit's own last flush comes after the hook on a server: its row is audited all the same."""
    with station_db.session() as s:
        s.add(Setting(key="t.unflushed", value='"x"'))
    assert [r for _i, r in entries(station_db, "t.unflushed")] == ["t.unflushed"]
    verified(station_db)


def test_a_rolled_back_transaction_leaves_no_entries(station_db):
    class Stop(Exception):
        pass

    with pytest.raises(Stop), station_db.session() as s:
        change(s, "t.gone")
        raise Stop
    with station_db.session() as s:
        change(s, "t.kept")
    assert entries(station_db, "t.gone") == []
    assert [r for _i, r in entries(station_db, "t.kept")] == ["t.kept", "t.kept"]
    verified(station_db)


def test_a_rolled_back_savepoint_takes_only_its_own_entries(station_db):
    """Before the savepoint: kept. Inside it: gone with it, also what an inner savepoint's release had
    appended already (on a server that release appends the rows collected so far)."""
    with station_db.session() as s:
        change(s, "t.before")
        try:
            with s.begin_nested():
                change(s, "t.inside")
                with s.begin_nested():
                    change(s, "t.inner")
                raise LookupError
        except LookupError:
            pass
        change(s, "t.after")
    found = [r for _i, r in entries(station_db, "t.")]
    assert found == ["t.before", "t.before", "t.after", "t.after"]
    verified(station_db)


def test_a_reader_in_the_writing_transaction_sees_its_own_entries(station_db):
    """The chain's check and who changed a record last, asked in the transaction that wrote."""
    with station_db.session() as s:
        before = audit.verify_chain(s).entries
        change(s, "t.own")
        assert audit.verify_chain(s).entries == before + 2
        person = persons.save_person(s, persons.PersonInput("李四", "", "未办证"), today=date(2026, 11, 25))
        who, when = record_versions.last_change(s, Person, person)
    assert who != record_versions.SYSTEM_NAME and when is not None
