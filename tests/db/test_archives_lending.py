"""Lending: a lent file cannot be lent twice, returns are dated after the loan, overdue loans on 工作台."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from shuanbai_desktop.data.models.archives import ArchiveLoan
from shuanbai_desktop.domain.archive_rules import Confidentiality
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import workbench
from shuanbai_desktop.services.archives import checks, lending
from shuanbai_desktop.services.archives.lending import LoanFilter, LoanInput
from shuanbai_desktop.services.workbench import Level, WorkbenchContext
from tests.conftest import BOTH
from tests.db.test_archives_catalogue import TODAY, _save, personnel
from tests.db.test_attachments import add_user

BACKENDS = BOTH


@pytest.fixture
def file_id(station_db, admin):
    return _save(station_db, admin, personnel())


def loan(**changes) -> LoanInput:
    values = dict(borrower_name="黄志明", purpose="核对学历证书复印件", lent_on="2024-06-03", due_on="2024-06-10")
    values.update(changes)
    return LoanInput(**values)


def _lend(db, admin, file_id, data):
    with db.session(admin.actor) as s:
        return lending.lend(s, file_id, data, today=TODAY)


def _loans(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(ArchiveLoan.id)))


def _items(db, at):
    assert checks._loan_items in workbench.PROVIDERS
    with db.session() as s:
        return checks._loan_items(WorkbenchContext(s, at, db.path, Role.ADMIN))


def test_lend_see_it_overdue_and_return(station_db, admin, file_id):
    loan_id = _lend(station_db, admin, file_id, loan())
    with station_db.session() as s:
        rows = lending.list_loans(s, LoanFilter(open_only=True), today=TODAY)
    assert [(r.number, r.borrower_text, r.overdue, r.state_text) for r in rows] == [
        ("RS-2024-D30-0001", "黄志明", 5, "超期 5 天")]
    items = _items(station_db, datetime(2024, 6, 15, 9))
    assert [(i.level, i.title, i.area) for i in items] == [
        (Level.OVERDUE, "档案 RS-2024-D30-0001 借阅超期 5 天", "archives.loans")]
    assert "黄志明" in items[0].detail and "2024-06-10" in items[0].detail
    with station_db.session(admin.actor) as s:
        lending.return_loan(s, loan_id, "2024-06-14", "完好", today=TODAY)
        row = lending.list_loans(s, today=TODAY)[0]
    assert row.state_text == "已归还（2024-06-14），逾期 4 天"
    assert _items(station_db, datetime(2024, 6, 15, 9)) == []


def test_due_soon_is_shown_before_it_is_late(station_db, admin, file_id):
    _lend(station_db, admin, file_id, loan(lent_on="2024-06-14", due_on="2024-06-16"))
    items = _items(station_db, datetime(2024, 6, 15, 9))
    assert [(i.level, i.title) for i in items] == [(Level.SOON, "档案 RS-2024-D30-0001 将于2024-06-16到期归还")]
    assert [i.title for i in _items(station_db, datetime(2024, 6, 16, 9))] == ["档案 RS-2024-D30-0001 将于今天到期归还"]


def test_a_lent_file_cannot_be_lent_twice(station_db, admin, file_id):
    _lend(station_db, admin, file_id, loan())
    with pytest.raises(UserError, match="尚未归还，不能重复借出"):
        _lend(station_db, admin, file_id, loan(borrower_name="林丽娟"))
    assert _loans(station_db) == 1


def test_the_database_refuses_a_second_open_loan_too(station_db, admin, file_id):
    _lend(station_db, admin, file_id, loan())
    with pytest.raises(IntegrityError), station_db.session() as s:
        s.add(ArchiveLoan(file_id=file_id, borrower_name="林丽娟", purpose="x", lent_on=date(2024, 6, 4),
                          due_on=date(2024, 6, 5)))
        s.flush()
    assert _loans(station_db) == 1


def test_return_before_the_loan_is_refused(station_db, admin, file_id):
    loan_id = _lend(station_db, admin, file_id, loan())
    with pytest.raises(UserError, match="早于借出日期") as err, station_db.session(admin.actor) as s:
        lending.return_loan(s, loan_id, "2024-06-02", today=TODAY)
    assert err.value.field == "归还日期"
    with station_db.session() as s:
        assert lending.open_loan(s, file_id) is not None


@pytest.mark.parametrize(("changes", "field", "rule"), [
    (dict(borrower_name=""), "借阅人", "不能为空"),
    (dict(purpose=" "), "借阅目的", "不能为空"),
    (dict(lent_on="2024-06-16", due_on="2024-06-20"), "借出日期", "晚于今天"),
    (dict(due_on="2024-06-01"), "应还日期", "早于借出日期"),
    (dict(due_on="2024-12-31"), "应还日期", "最长 90 天"),
    (dict(lent_on="2024-02-28", due_on="2024-03-10"), "借出日期", "归档日期（2024-03-01）"),
])
def test_bad_loans(station_db, admin, file_id, changes, field, rule):
    with pytest.raises(UserError, match=rule) as err:
        _lend(station_db, admin, file_id, loan(**changes))
    assert err.value.field == field
    assert _loans(station_db) == 0


def test_secret_file_needs_an_approver(station_db, admin):
    secret = _save(station_db, admin, personnel("人员考核材料", confidentiality=Confidentiality.SECRET))
    with pytest.raises(UserError, match="批准人") as err:
        _lend(station_db, admin, secret, loan())
    assert err.value.field == "批准人"
    _lend(station_db, admin, secret, loan(approver="李站长"))
    assert _loans(station_db) == 1


def test_renew(station_db, admin, file_id):
    loan_id = _lend(station_db, admin, file_id, loan())
    with pytest.raises(UserError, match="晚于原应还日期"), station_db.session(admin.actor) as s:
        lending.renew(s, loan_id, "2024-06-09", today=TODAY)
    with station_db.session(admin.actor) as s:
        lending.renew(s, loan_id, "2024-06-30", today=TODAY)
        assert lending.list_loans(s, LoanFilter(overdue_only=True), today=TODAY) == []


def test_a_counter_worker_lends_under_their_own_name_and_a_supervisor_does_not(station_db, file_id):
    window, supervisor = add_user(station_db, "chuangkou", Role.WINDOW), add_user(station_db, "dudao", Role.SUPERVISOR)
    with pytest.raises(UserError, match="“督导”角色不能登记档案和借阅"), station_db.session(supervisor) as s:
        lending.lend(s, file_id, loan(), today=TODAY)
    assert _loans(station_db) == 0
    forged = type(window)(window.user_id, "admin")  # a counter user's id under the administrator's name
    with station_db.session(forged) as s:
        loan_id = lending.lend(s, file_id, loan(), today=TODAY)
    for refused in (lambda s: lending.renew(s, loan_id, "2024-06-20", today=TODAY),
                    lambda s: lending.return_loan(s, loan_id, "2024-06-14", today=TODAY)):
        with pytest.raises(UserError, match="督导"), station_db.session(supervisor) as s:
            refused(s)
    with station_db.session(window) as s:
        lending.return_loan(s, loan_id, "2024-06-14", today=TODAY)
    with station_db.session() as s:
        record = s.get(ArchiveLoan, loan_id)
        assert (record.lent_by, record.returned_by) == ("chuangkou", "chuangkou")
