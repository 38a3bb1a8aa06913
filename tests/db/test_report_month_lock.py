"""Month lock: records dated in a reported month change only by an administrator with a reason.

A model of the test's own (on its own metadata) opts in with ``__month_field__``, so these
tests do not depend on any feature's tables.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Date, Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shuanbai_desktop.data import audit
from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.data.models.report import LockedMonth
from shuanbai_desktop.data.month_lock import MonthLocked, set_override
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.report import month_lock_override
from tests.conftest import BOTH

BACKENDS = BOTH


class _Base(DeclarativeBase):
    pass


class Diary(_Base):
    __tablename__ = "test_diary"
    __label__ = "工作日志"
    __month_field__ = "day"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, info={"label": "日期"})
    text: Mapped[str] = mapped_column(String(40), default="")


class Matter(_Base):
    """Lives across months: registered in one, finished in another."""

    __tablename__ = "test_matter"
    __label__ = "事项"
    __month_field__ = ("registered_on", "done_on")
    __month_watch__ = ("channel",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registered_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(10), default="来访")
    result: Mapped[str] = mapped_column(String(40), default="")


class DiaryHelper(_Base):
    """A row without a date of its own: it counts with its diary's day."""

    __tablename__ = "test_diary_helper"
    __label__ = "协助人"
    __month_parent__ = (Diary, "diary_id")

    diary_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(10), primary_key=True)


@pytest.fixture
def diary_db(station_db, admin):
    _Base.metadata.create_all(station_db.engine)
    with station_db.session() as s:
        worker = auth.create_user(s, "sg9", "黄社工", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
        s.add_all([Diary(id=1, day=date(2024, 5, 10), text="五月"), Diary(id=2, day=date(2024, 6, 3), text="六月")])
        s.add_all([Matter(id=1, registered_on=date(2024, 5, 28)),
                   Matter(id=2, registered_on=date(2024, 4, 20), done_on=date(2024, 5, 6), result="已办")])
        s.add_all([DiaryHelper(diary_id=1, name="甲"), DiaryHelper(diary_id=2, name="乙")])
        s.add(LockedMonth(month="2024-05", locked_by="admin"))
    return station_db, admin, worker


def test_new_changed_or_deleted_records_of_a_locked_month_are_refused(diary_db):
    db, _admin, worker = diary_db
    attempts = [lambda s: s.add(Diary(id=3, day=date(2024, 5, 31))),
                lambda s: setattr(s.get(Diary, 1), "text", "改过"),
                lambda s: s.delete(s.get(Diary, 1)),
                lambda s: setattr(s.get(Diary, 2), "day", date(2024, 5, 30)),  # moved into the month
                lambda s: setattr(s.get(Diary, 1), "day", date(2024, 6, 1))]  # moved out of it
    for attempt in attempts:
        with pytest.raises(MonthLocked) as caught, db.session(worker.actor) as s:
            attempt(s)
        assert "2024年5月已报送" in caught.value.message and "管理员" in caught.value.message
        assert caught.value.months == ("2024-05",) and caught.value.field == "日期"
    with db.session() as s:
        assert s.get(Diary, 1).text == "五月" and s.get(Diary, 2).day == date(2024, 6, 3)
        assert s.scalar(select(Diary).where(Diary.id == 3)) is None


def test_other_months_are_free(diary_db):
    db, _admin, worker = diary_db
    with db.session(worker.actor) as s:
        s.get(Diary, 2).text = "改过"
        s.add(Diary(id=4, day=date(2024, 4, 30)))
    with db.session() as s:
        assert s.get(Diary, 2).text == "改过" and s.get(Diary, 4) is not None


def test_administrator_with_a_reason_may_change_and_the_reason_is_audited(diary_db):
    db, admin, _worker = diary_db
    with db.session(admin.actor) as s:
        set_override(s, "补录遗漏的记录")
        s.get(Diary, 1).text = "改过"
    with db.session() as s:
        assert s.get(Diary, 1).text == "改过"
        event = s.scalars(select(AuditEntry).where(AuditEntry.action == "event")
                          .order_by(AuditEntry.id.desc())).first()
        assert "已报送月份（2024年5月）" in event.summary and "补录遗漏的记录" in event.summary
        assert event.username == "admin"
        assert audit.verify_chain(s).ok


def test_a_reason_does_not_help_anyone_but_the_administrator(diary_db):
    """The service refuses to set the reason (MONTH_OVERRIDE); a reason put into the session by other
    means is refused by the lock itself, which asks the same permission table."""
    db, _admin, worker = diary_db
    with pytest.raises(UserError, match="“社工”角色不能修改已报送月份的记录"), db.session(worker.actor) as s:
        month_lock_override(s, "补录遗漏的记录")
        s.get(Diary, 1).text = "改过"
    with pytest.raises(MonthLocked, match="“社工”角色不能修改已报送月份的记录"), db.session(worker.actor) as s:
        s.info["month_override"] = "我想改"
        s.get(Diary, 1).text = "改过"
    with db.session() as s:
        assert s.get(Diary, 1).text == "五月"


def test_the_administrator_changes_a_reported_month_through_the_service(diary_db):
    db, admin, _worker = diary_db
    with db.session(admin.actor) as s:
        month_lock_override(s, "补录遗漏的记录")
        s.get(Diary, 1).text = "改过"
    with db.session() as s:
        assert s.get(Diary, 1).text == "改过"
        assert s.scalar(select(AuditEntry.summary).where(AuditEntry.summary.like("修改已报送月份%")))


def test_the_reason_must_say_something(diary_db):
    db, admin, _worker = diary_db
    with pytest.raises(UserError, match="原因"), db.session(admin.actor) as s:
        set_override(s, "  改 ")


def test_a_matter_registered_in_a_locked_month_may_still_be_finished_later(diary_db):
    db, _admin, worker = diary_db
    with db.session(worker.actor) as s:
        matter = s.get(Matter, 1)
        matter.done_on, matter.result = date(2024, 6, 4), "六月办结"  # a June event on a May record
        s.get(Matter, 2).result = "补记说明"  # not a watched column
    refused = [lambda s: setattr(s.get(Matter, 1), "channel", "来电"),  # changes May's registrations
               lambda s: setattr(s.get(Matter, 2), "done_on", date(2024, 6, 1)),  # moves a May closing away
               lambda s: s.delete(s.get(Matter, 2))]
    for attempt in refused:
        with pytest.raises(MonthLocked), db.session(worker.actor) as s:
            attempt(s)
    with db.session() as s:
        assert s.get(Matter, 1).done_on == date(2024, 6, 4) and s.get(Matter, 1).channel == "来访"
        assert s.get(Matter, 2).done_on == date(2024, 5, 6) and s.get(Matter, 2).result == "补记说明"


def test_rows_without_a_date_follow_their_parents_month(diary_db):
    """Issue 12: the workers of a visit have no date, so changing only them in a reported month went through."""
    db, admin, worker = diary_db
    refused = [lambda s: s.add(DiaryHelper(diary_id=1, name="丙")),
               lambda s: s.delete(s.get(DiaryHelper, (1, "甲"))),
               lambda s: setattr(s.get(DiaryHelper, (1, "甲")), "name", "丁"),
               lambda s: setattr(s.get(DiaryHelper, (2, "乙")), "diary_id", 1)]  # moved onto a May diary
    for attempt in refused:
        with pytest.raises(MonthLocked) as caught, db.session(worker.actor) as s:
            attempt(s)
        assert "2024年5月已报送" in caught.value.message and "协助人" in caught.value.message
        assert caught.value.field == "日期"
    with db.session(worker.actor) as s:  # a June diary's helpers are free
        s.add(DiaryHelper(diary_id=2, name="丙"))
    with db.session(admin.actor) as s:
        set_override(s, "补录协助人员")
        s.add(DiaryHelper(diary_id=1, name="丙"))
    with db.session() as s:
        assert {h.name for h in s.scalars(select(DiaryHelper).where(DiaryHelper.diary_id == 1))} == {"甲", "丙"}
        event = s.scalars(select(AuditEntry).where(AuditEntry.action == "event").order_by(AuditEntry.id.desc())).first()
        assert "补录协助人员" in event.summary and "协助人" in event.summary


def test_changing_only_the_workers_of_a_visit_in_a_reported_month_is_refused(station_db, admin):
    from shuanbai_desktop.domain.target_labels import Relation, Risk, VisitForm
    from shuanbai_desktop.services import persons
    from shuanbai_desktop.services.persons import PersonInput
    from shuanbai_desktop.services.targets import households, visits
    from shuanbai_desktop.services.targets.households import HouseholdInput, MemberInput
    with station_db.session() as s:
        pid = persons.save_person(s, PersonInput("王五", "440524194501010011", village_code="441302001001"),
                                  today=date(2024, 6, 20))
        hid = households.save_household(s, HouseholdInput((MemberInput(pid, Relation.HEAD),)))
        worker = auth.create_user(s, "sg8", "周社工", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)

    def visit(workers):
        return visits.VisitInput(hid, date(2024, 5, 8), workers, (pid,), VisitForm.HOME, "情况稳定", Risk.MEDIUM)

    with station_db.session() as s:
        vid = visits.save_visit(s, visit((admin.id,)), date(2024, 6, 20))
        s.add(LockedMonth(month="2024-05", locked_by="admin"))
    with pytest.raises(MonthLocked, match="2024年5月已报送"), station_db.session() as s:
        visits.save_visit(s, visit((admin.id, worker.id)), date(2024, 6, 20), visit_id=vid)
    with station_db.session() as s:
        assert visits.get_visit(s, vid)[1].worker_ids == (admin.id,)


def _reads_of_the_lock_table(db) -> list[str]:
    """Statements the engine runs that read ``report_locked_month`` (recorded by a listener)."""
    from sqlalchemy import event
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if "report_locked_month" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    return seen


def test_a_transaction_asks_about_a_month_once_however_often_it_flushes(diary_db):
    """A save that flushes several times (a registration, then its steps) reads the lock table once per month:
    a month found open stays open while the transaction holds the shared lock."""
    db, _admin, worker = diary_db
    seen = _reads_of_the_lock_table(db)
    with db.session(worker.actor) as s:
        s.add(Diary(id=5, day=date(2024, 6, 10)))
        s.flush()
        s.add(Diary(id=6, day=date(2024, 6, 11)))
        s.flush()
        s.get(Diary, 2).text = "再改"
    assert len(seen) == 1
    with db.session(worker.actor) as s:  # a new transaction asks again
        s.add(Diary(id=7, day=date(2024, 6, 12)))
    assert len(seen) == 2


def test_a_month_locked_in_the_same_transaction_is_refused_afterwards(diary_db):
    """The month found open earlier in a transaction is asked about again once the transaction locks it."""
    db, _admin, _worker = diary_db
    with pytest.raises(MonthLocked), db.session() as s:
        s.add(Diary(id=8, day=date(2024, 6, 20)))
        s.flush()  # June is open
        s.add(LockedMonth(month="2024-06", locked_by="admin"))
        s.flush()
        s.add(Diary(id=9, day=date(2024, 6, 21)))
        s.flush()
    with db.session() as s:
        assert s.get(Diary, 8) is None and s.get(LockedMonth, "2024-06") is None
