"""Issue 19, two people and one record: a save from a form opened on an older version is refused with who
changed the record and when; nothing of the refused save is kept; a save from the current version goes
through and raises the version. StaleDataError (a change that slipped in between read and write, possible
on a server) becomes the same message in the database handle."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from shuanbai_desktop.data.models import AuditEntry, Person
from shuanbai_desktop.domain.archive_rules import ArchiveCategory, Retention
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.archives import catalogue
from shuanbai_desktop.services.archives.catalogue import ArchiveInput
from shuanbai_desktop.services.persons import PersonInput
from tests.conftest import BOTH

BACKENDS = BOTH  # SQLite and the test server (tests/conftest.py)
TODAY = date(2026, 11, 28)
VILLAGE = "441302001001"
PASSWORD = "Shegong2024"


@pytest.fixture
def two(station_db):
    """Two social workers and a resident, as the administrator made them."""
    with station_db.session() as s:
        auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, PASSWORD, must_change=False)
        auth.create_user(s, "sg2", "林小红", Role.SOCIAL_WORKER, PASSWORD, must_change=False)
        pid = persons.save_person(s, PersonInput("张三", "", "未办证", village_code=VILLAGE), today=TODAY)
    return auth.log_in(station_db, "sg1", PASSWORD), auth.log_in(station_db, "sg2", PASSWORD), pid


def _opened(db, user, pid) -> persons.PersonDetail:
    with db.session(user.actor) as s:
        return persons.get_person(s, pid)


def _save(db, user, pid, version, **changes):
    values = dict(name="张三", id_number=None, no_id_reason="未办证", village_code=VILLAGE)
    values.update(changes)
    with db.session(user.actor) as s:
        return persons.save_person(s, PersonInput(**values), pid, today=TODAY, version=version)


def _audit_count(db) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


def test_stale_save_is_refused_naming_who_and_when_and_nothing_is_kept(station_db, two):
    first, second, pid = two
    mine = _opened(station_db, first, pid)
    theirs = _opened(station_db, second, pid)
    assert mine.version == theirs.version == 1
    _save(station_db, second, pid, theirs.version, address="东湖社区3组8号")
    with station_db.session() as s:
        changed_at = s.scalar(select(AuditEntry.at).where(AuditEntry.table_name == "person")
                              .order_by(AuditEntry.id.desc()))
    entries = _audit_count(station_db)

    with pytest.raises(UserError) as err:
        _save(station_db, first, pid, mine.version, address="西湖社区1组", notes="独居")
    assert err.value.message == f"此记录已被林小红于{changed_at:%Y-%m-%d %H:%M}修改，请重新打开。"

    now = _opened(station_db, first, pid)
    assert (now.address, now.notes, now.version) == ("东湖社区3组8号", "", 2)
    assert _audit_count(station_db) == entries

    again = _save(station_db, first, pid, now.version, address="西湖社区1组", notes="独居")
    assert again == pid
    saved = _opened(station_db, first, pid)
    assert (saved.address, saved.notes, saved.version) == ("西湖社区1组", "独居", 3)


def test_a_save_without_a_version_is_not_checked(station_db, two):
    """The import, the demo and the command line write without a form: no version, no check."""
    first, _second, pid = two
    _save(station_db, first, pid, None, address="一")
    _save(station_db, first, pid, None, address="二")
    assert _opened(station_db, first, pid).version == 3


def test_a_change_slipping_in_between_read_and_write_is_the_same_refusal(station_db, two):
    """On a server a row read without a lock may change before the UPDATE (SQLite's writers never overlap:
    the other writer is played here inside the transaction). StaleDataError → the same UserError."""
    first, _second, pid = two
    with pytest.raises(UserError) as err:
        with station_db.session(first.actor) as s:
            person = s.get(Person, pid)
            s.execute(text("UPDATE person SET version = version + 1 WHERE id = :id"), {"id": pid})
            person.address = "南湖社区"
    assert err.value.message.startswith("此记录已被") and err.value.message.endswith("修改，请重新打开。")
    assert _opened(station_db, first, pid).address == ""


def test_the_version_is_kept_out_of_the_audit_trail(station_db, two):
    first, _second, pid = two
    _save(station_db, first, pid, 1, address="东湖社区")
    with station_db.session() as s:
        changes = list(s.scalars(select(AuditEntry.changes).where(AuditEntry.table_name == "person")))
    assert changes and not any("version" in c for c in changes)


def test_an_archive_file_opened_before_a_colleagues_correction_is_refused(station_db, admin):
    data = ArchiveInput(title="2026年度工作总结", category=ArchiveCategory.DOCUMENTS, year=2026,
                        retention=Retention.PERMANENT, pages=3, responsible="桥东街道社工站",
                        doc_date=date(2026, 1, 8), filed_on=date(2026, 3, 1))
    with station_db.session(admin.actor) as s:
        file_id = catalogue.save_file(s, data, today=TODAY)
        opened = catalogue.get_file(s, file_id).version
    with station_db.session(admin.actor) as s:
        catalogue.save_file(s, data, file_id, today=TODAY, version=opened)
    with pytest.raises(UserError, match="^此记录已被李副站长于.*修改，请重新打开。$"):
        with station_db.session(admin.actor) as s:
            catalogue.save_file(s, data, file_id, today=TODAY, version=opened)
