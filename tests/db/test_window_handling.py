"""分办转办 and 结果跟踪: each step on record; bad dates and missing choices refused at their field."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from shuanbai_desktop.domain.counter_labels import EventKind, FollowUpMethod, Handling, Satisfaction, Status
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.window import details, handling, queries
from tests.conftest import BOTH

from .test_window_helpers import AT, win_fixture, win_template  # noqa: F401  (fixtures)

BACKENDS = BOTH

LATER = AT + timedelta(days=2)


def _detail(win, rid, today=date(2026, 11, 30)):
    with win.db.session() as s:
        return details.get_detail(s, rid, today)


def _do(win, fn, *args, actor=None, at=LATER):
    actor = actor or win.clerk
    with win.db.session(actor.actor) as s:
        fn(s, *args, at=at)


def test_assign_to_a_colleague_puts_it_in_their_list(win):
    rid = win.register().id
    _do(win, handling.assign, rid, win.worker.id, "请上门评估")
    detail = _detail(win, rid)
    assert detail.handler == "黄志明" and detail.first_responder == "陈晓红"
    with win.db.session() as s:
        mine = queries.list_registrations(s, queries.RegistrationFilter(staff_id=win.worker.id), LATER.date())
    assert [r.id for r in mine.rows] == [rid]
    assert detail.timeline[-1].text == "分办给 黄志明：请上门评估"


def test_assign_to_a_read_only_account_is_refused(win):
    rid = win.register().id
    with pytest.raises(UserError) as caught:
        _do(win, handling.assign, rid, win.supervisor.id, "")
    assert caught.value.field == "承办人"


def test_transfer_needs_a_department(win):
    rid = win.register().id
    with pytest.raises(UserError) as caught:
        _do(win, handling.transfer, rid, None, "")
    assert caught.value.field == "转办部门" and caught.value.message == "转办须选择转办部门。"
    assert _detail(win, rid).status is Status.IN_PROGRESS
    _do(win, handling.transfer, rid, win.departments["县民政局"], "需县局审批")
    detail = _detail(win, rid)
    assert detail.status is Status.TRANSFERRED and detail.department_name == "县民政局"


@pytest.mark.parametrize(("day", "words"), [("2026-11-24", "不能早于登记日期（2026-11-25）"),
                                            ("2026-11-28", "不能晚于今天"), ("", "办结日期不能为空")])
def test_result_date_must_lie_between_registration_and_today(win, day, words):
    rid = win.register().id
    with pytest.raises(UserError) as caught:
        _do(win, handling.close, rid, "已安排助餐", day)
    assert caught.value.field == "办结日期" and words in caught.value.message
    assert _detail(win, rid).status is Status.IN_PROGRESS


def test_close_needs_a_result(win):
    rid = win.register().id
    with pytest.raises(UserError) as caught:
        _do(win, handling.close, rid, "", "2026-11-27")
    assert caught.value.field == "办理结果"


def test_close_follow_up_reopen_and_the_whole_timeline(win):
    rid = win.register().id
    _do(win, handling.transfer, rid, win.departments["残联"], "", at=AT + timedelta(hours=1))
    _do(win, handling.close, rid, "残联已受理并办结", "2026-11-26", at=AT + timedelta(days=1))
    detail = _detail(win, rid)
    assert detail.status is Status.DONE and detail.result_date == date(2026, 11, 26)
    with pytest.raises(UserError) as caught:
        _do(win, handling.follow_up, rid, "2026-11-25", FollowUpMethod.PHONE, Satisfaction.SATISFIED, "")
    assert caught.value.field == "回访日期" and "不能早于办结日期" in caught.value.message
    with pytest.raises(UserError) as caught:
        _do(win, handling.follow_up, rid, "2026-11-27", FollowUpMethod.PHONE, None, "")
    assert caught.value.field == "满意度"
    _do(win, handling.follow_up, rid, "2026-11-27", FollowUpMethod.PHONE, Satisfaction.UNSATISFIED, "补贴未到账")
    assert _detail(win, rid).satisfaction is Satisfaction.UNSATISFIED
    with pytest.raises(UserError) as caught:
        _do(win, handling.reopen, rid, " ", None)
    assert caught.value.field == "重新办理原因"
    _do(win, handling.reopen, rid, "居民反映补贴未到账", "2026-12-04")
    detail = _detail(win, rid)
    assert detail.status is Status.TRANSFERRED and detail.result == "" and detail.satisfaction is None
    assert detail.due_date == date(2026, 12, 4) and detail.due_manual
    assert [e.kind for e in detail.timeline] == [EventKind.REGISTER, EventKind.ASSIGN, EventKind.TRANSFER,
                                                 EventKind.RESULT, EventKind.FOLLOW_UP, EventKind.REOPEN]
    assert detail.timeline[4].text == "电话回访（2026-11-27），不满意：补贴未到账"


def test_follow_up_only_after_the_result(win):
    rid = win.register().id
    with pytest.raises(UserError, match="办结后才能回访"):
        _do(win, handling.follow_up, rid, "2026-11-27", FollowUpMethod.PHONE, Satisfaction.SATISFIED, "")


def test_nothing_more_after_close_except_follow_up_and_reopen(win):
    rid = win.register("政策咨询", Handling.ON_SPOT, result="已解答").id
    for fn, args in ((handling.assign, (win.worker.id, "")), (handling.transfer, (win.departments["残联"], "")),
                     (handling.close, ("再次办结", "2026-11-26"))):
        with pytest.raises(UserError, match="已办结"):
            _do(win, fn, rid, *args)


def test_change_due_needs_a_reason_and_a_date_not_before_registration(win):
    rid = win.register().id
    with pytest.raises(UserError) as caught:
        _do(win, handling.change_due, rid, "2026-11-20", "部门需要更长时间")
    assert caught.value.field == "预计办结日期"
    with pytest.raises(UserError) as caught:
        _do(win, handling.change_due, rid, "2026-12-20", "")
    assert caught.value.field == "调整原因"
    _do(win, handling.change_due, rid, "2026-12-20", "需县局会审")
    detail = _detail(win, rid)
    assert detail.due_date == date(2026, 12, 20)
    assert detail.timeline[-1].text == "调整办结日期：2026-12-09 → 2026-12-20：需县局会审"


def test_void_by_the_first_responder_or_an_administrator_only(win):
    rid = win.register().id
    with pytest.raises(UserError, match="只有首问负责人或管理员"):
        _do(win, handling.void, rid, "登记错误", actor=win.worker)
    with pytest.raises(UserError) as caught:
        _do(win, handling.void, rid, "")
    assert caught.value.field == "作废原因"
    _do(win, handling.void, rid, "重复登记", actor=win.admin)
    assert _detail(win, rid).status is Status.VOID


def test_supervisor_cannot_act(win):
    rid = win.register().id
    with pytest.raises(UserError, match="“督导”角色不能窗口登记和办理事项"):
        _do(win, handling.close, rid, "办结", "2026-11-26", actor=win.supervisor)


def test_lists_filter_and_sort(win):
    a = win.register("居家养老服务").id                               # due 2026-12-09
    b = win.register("心理疏导", at=AT + timedelta(minutes=1)).id    # due 2026-12-02
    c = win.register("政策咨询", Handling.ON_SPOT, result="已解答", at=AT + timedelta(minutes=2)).id
    d = win.register("临时救助", Handling.TRANSFER, department_id=win.departments["镇社会事务办"],
                     person_id=win.li, at=datetime(2026, 11, 10, 9, 0)).id  # due 2026-11-24: overdue
    today = date(2026, 11, 30)

    def ids(**kw):
        with win.db.session() as s:
            return [r.id for r in queries.list_registrations(s, queries.RegistrationFilter(**kw), today).rows]

    assert ids() == [d, b, a]  # open, by due date
    assert ids(view=queries.View.OVERDUE) == [d]
    assert ids(view=queries.View.SOON) == [b]  # 2026-12-02 is 2 working days after Mon 30 Nov
    assert ids(view=queries.View.DONE) == [c]
    assert ids(view=queries.View.ALL, text="ls") == [d]
    assert ids(view=queries.View.ALL, text="李") == [d]
    assert ids(view=queries.View.ALL, text="20261125-002") == [b]
    assert ids(view=queries.View.ALL, matter_type_id=win.matters["心理疏导"]) == [b]
    assert ids(view=queries.View.ALL, date_from=date(2026, 11, 20)) == [c, b, a]
    with win.db.session() as s:
        row = queries.row_for(s, d, today)
        counts = queries.counts(s, today, win.clerk.id)
    assert row.urgency_text == "已超期" and row.status_text == "已转办（镇社会事务办）"
    assert (counts.open, counts.overdue, counts.soon) == (3, 1, 1)
