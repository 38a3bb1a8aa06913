"""The audit trail: every change in its transaction, masked, hash-chained, verifiable."""

from __future__ import annotations

import json

from sqlalchemy import select

from shuanbai_desktop.data import audit
from shuanbai_desktop.data.models import AuditEntry, Person
from shuanbai_desktop.domain.labels import FacilityType
from shuanbai_desktop.services import database_ops, station
from tests.conftest import raw_connect

ID = "440524188001010014"


def _entries(db):
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_insert_update_delete_recorded_with_who_and_masked_values(station_db, admin):
    with station_db.session(admin.actor) as s:
        person = Person(name="张三", id_number=ID, phone="13800138000")
        s.add(person)
    with station_db.session(admin.actor) as s:
        s.get(Person, person.id).phone = "13900139000"
    with station_db.session(admin.actor) as s:
        s.delete(s.get(Person, person.id))
    rows = [e for e in _entries(station_db) if e.table_name == "person"]
    assert [e.action for e in rows] == ["insert", "update", "delete"]
    assert all(e.username == "admin" and e.user_id == admin.id for e in rows)
    assert json.loads(rows[1].changes) == {"phone": ["138****8000", "139****9000"]}
    assert rows[0].summary == "新增居民「张三」"
    raw = raw_connect(station_db.path).execute("SELECT group_concat(changes) FROM audit_entry").fetchone()[0]
    assert ID not in raw and "440524********0014" in raw
    assert "13800138000" not in raw


def test_password_hash_never_in_the_trail(station_db):
    raw = raw_connect(station_db.path).execute("SELECT group_concat(changes) FROM audit_entry").fetchone()[0]
    assert "$argon2" not in raw and "***" in raw


def test_audit_rolls_back_with_the_change(station_db, admin):
    count = len(_entries(station_db))
    try:
        with station_db.session(admin.actor) as s:
            s.add(Person(name="李四"))
            s.flush()
            raise RuntimeError
    except RuntimeError:
        pass
    assert len(_entries(station_db)) == count


def test_chain_verifies_and_names_the_first_tampered_entry(station_db, admin):
    with station_db.session(admin.actor) as s:
        station.save_service_point(s, station.ServicePointInput("甲点", FacilityType.SCHOOL, "", "", "",
                                                                ("441302001001",)))
    assert database_ops.verify(station_db).ok
    conn = raw_connect(station_db.path, "rw")
    conn.execute("UPDATE audit_entry SET summary='改过' WHERE id=3")
    conn.commit()
    conn.close()
    with station_db.session() as s:
        result = audit.verify_chain(s)
    assert not result.ok and result.first_broken_id == 3 and "第 3 条" in result.message


def test_deleted_entry_breaks_the_chain(station_db, admin):
    with station_db.session(admin.actor) as s:
        s.add(Person(name="王五"))
    conn = raw_connect(station_db.path, "rw")
    conn.execute("DELETE FROM audit_entry WHERE id=2")
    conn.commit()
    conn.close()
    with station_db.session() as s:
        assert audit.verify_chain(s).first_broken_id == 3


def test_deleted_personal_data_does_not_linger_in_the_file(station_db, admin):
    marker = "独特标记甲乙丙"
    with station_db.session(admin.actor) as s:
        person = Person(name="赵六", notes=marker)
        s.add(person)
    with station_db.session(admin.actor) as s:
        s.delete(s.get(Person, person.id))
    station_db.close()
    assert marker.encode("utf-8") not in station_db.path.read_bytes()
