"""窗口登记: a registration in one transaction; bad input names its field and saves nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.data.models.window import WindowEvent, WindowRegistration
from shuanbai_desktop.domain.counter_labels import Channel, EventKind, Handling, HolidayKind, Status
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.permissions import as_system
from shuanbai_desktop.services.window import catalogue, details, holidays
from shuanbai_desktop.services.window.registration import RegistrationInput, register
from tests.conftest import BOTH

from .test_window_helpers import AT, win_fixture, win_template  # noqa: F401  (fixtures)

BACKENDS = BOTH


def _counts(db) -> tuple[int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(WindowRegistration)),
                s.scalar(select(func.count()).select_from(WindowEvent)))


def test_register_assigns_ticket_due_date_first_responder_and_timeline(win):
    saved = win.register("居家养老服务", description="老人独居，申请助餐服务")
    assert saved.ticket_no == "20261125-001"
    # Wed 25 Nov + 10 working days: 26, 27, 30 Nov, 1–4 Dec, 7, 8, 9 Dec.
    assert saved.due_date == date(2026, 12, 9) and saved.due_note == ""
    with win.db.session() as s:
        detail = details.get_detail(s, saved.id, date(2026, 11, 25))
    assert detail.first_responder == "陈晓红" and detail.handler == "陈晓红"
    assert detail.status is Status.IN_PROGRESS and detail.channel is Channel.VISIT
    assert detail.person_name == "张三" and detail.person_id_masked == "441302********001X"
    assert detail.phone_masked == "138****8000"
    assert [e.kind for e in detail.timeline] == [EventKind.REGISTER, EventKind.ASSIGN]


def test_registration_is_audited_with_personal_text_masked(win):
    saved = win.register(description="家中老人患病")
    with win.db.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.table_name == "window_registration",
                                                  AuditEntry.action == "insert"))
    assert saved.ticket_no in entry.summary and entry.username == "window1"
    assert "家中老人患病" not in entry.changes and "（文本 6 字）" in entry.changes


def test_registration_on_30_september_skips_national_day(win):
    saved = win.register("心理疏导", at=datetime(2026, 9, 30, 10, 0))  # 5 working days
    assert saved.due_date == date(2026, 10, 13)


def test_registration_on_28_december_gets_a_january_2027_due_date_and_says_it_is_estimated(win):
    saved = win.register("心理疏导", at=datetime(2026, 12, 28, 10, 0))
    assert saved.due_date == date(2027, 1, 5)  # Dec 29, 30, 31, (元旦 estimated off), Jan 4, 5
    assert "2027 年" in saved.due_note and "节假日调休表" in saved.due_note
    with win.db.session() as s:
        assert s.get(WindowRegistration, saved.id).due_estimated


def test_station_holiday_table_moves_a_2027_due_date(win):
    with win.db.session(win.admin.actor) as s:
        holidays.save_entry(s, "2027-01-01", HolidayKind.HOLIDAY, "元旦")
    assert win.register("心理疏导", at=datetime(2026, 12, 28, 10, 0)).due_date == date(2027, 1, 5)


def test_on_the_spot_consultation_may_be_anonymous_and_is_done_at_once(win):
    saved = win.register("政策咨询", Handling.ON_SPOT, person_id=None, channel=Channel.PHONE,
                         result="解答了高龄津贴申领条件")
    with win.db.session() as s:
        reg = s.get(WindowRegistration, saved.id)
        assert reg.status == Status.DONE.value and reg.result_date == AT.date() and reg.due_date == AT.date()
        assert reg.person_id is None


def test_transfer_at_registration_records_department(win):
    saved = win.register("残疾人证办理", Handling.TRANSFER, department_id=win.departments["残联"],
                         transfer_note="请安排评残")
    with win.db.session() as s:
        detail = details.get_detail(s, saved.id, AT.date())
    assert detail.status is Status.TRANSFERRED and detail.department_name == "残联"
    assert "转办至 残联：请安排评残" in [e.text for e in detail.timeline]


def test_proxy_registration_keeps_the_agent(win):
    saved = win.register(channel=Channel.PROXY, agent_name="张小明", agent_id_number="44130220000101004X",
                         agent_phone="13912345678", agent_relation="儿子")
    with win.db.session() as s:
        detail = details.get_detail(s, saved.id, AT.date())
    assert detail.agent_text == "张小明（儿子） 身份证 441302********004X 电话 139****5678"


def test_materials_received_are_kept_in_catalogue_order(win):
    with win.db.session() as s:
        needed = catalogue.get_matter(s, win.matters["最低生活保障"]).materials
    saved = win.register("最低生活保障", Handling.TRANSFER, department_id=win.departments["镇社会事务办"],
                         materials_received=(needed[2], needed[0]))
    with win.db.session() as s:
        detail = details.get_detail(s, saved.id, AT.date())
    assert detail.received == (needed[0], needed[2])
    assert detail.missing == tuple(m for m in needed if m not in (needed[0], needed[2]))


BAD_INPUT = [
    ({"matter": None}, "事项", "不能为空"),
    ({"handling": Handling.TRANSFER}, "转办部门", "转办须选择转办部门"),
    ({"contact_phone": "12345678901"}, "联系电话", "手机号应为11位数字"),
    ({"contact_phone": "1380013800"}, "联系电话", "不是有效的手机号"),
    ({"channel": Channel.PROXY, "agent_name": "王五", "agent_id_number": "441302200001010041"},
     "代办人身份证号", "代办人身份证号校验位错误"),
    ({"due_date": "2026-11-24"}, "预计办结日期", "不能早于登记日期"),
    ({"due_date": "2026-13-01"}, "预计办结日期", "不是有效日期"),
    ({"handling": Handling.ON_SPOT, "result": "  "}, "办理结果", "当场办结须填写办理结果"),
    ({"channel": Channel.PROXY}, "代办人姓名", "代办的须填写代办人姓名"),
    ({"person_id": None}, "办事居民", "只有当场办结的咨询可以不留姓名"),
    ({"materials_received": ("一张不存在的证明",)}, "已收材料", "不在该事项的材料清单中"),
    ({"description": "长" * 501}, "简要情况", "不能超过 500 个字"),
]


@pytest.mark.parametrize(("fields", "field", "words"), BAD_INPUT)
def test_bad_input_names_the_field_and_saves_nothing(win, fields, field, words):
    fields = dict(fields)
    matter = fields.pop("matter", "居家养老服务")
    handling = fields.pop("handling", Handling.ASSIGN)
    before = _counts(win.db)
    with pytest.raises(UserError) as caught:
        if matter is None:
            with win.db.session(win.clerk.actor) as s:
                register(s, RegistrationInput(Channel.VISIT, win.zhang, None, handling=handling, **fields), at=AT)
        else:
            win.register(matter, handling, **fields)
    assert caught.value.field == field
    assert words in caught.value.message
    assert _counts(win.db) == before


def test_a_stopped_matter_or_department_cannot_be_used(win):
    with win.db.session(win.admin.actor) as s:
        catalogue.set_active(s, win.matters["其他"], False)
    with pytest.raises(UserError, match="已在事项目录中停用"):
        win.register("其他")


def test_supervisor_cannot_register(win):
    with pytest.raises(UserError, match="“督导”角色不能窗口登记"):
        win.register(actor=win.supervisor)
    assert _counts(win.db) == (0, 0)


def test_the_first_responder_is_the_sessions_user(win):
    """Nobody can register in a colleague's name: the first responder is whoever the session acts for."""
    saved = win.register(actor=win.worker)
    with win.db.session() as s:
        assert details.get_detail(s, saved.id, AT.date()).first_responder == "黄志明"


def test_program_work_cannot_register(win):
    """A registration names a person as first responder: a system session (no user) is refused."""
    with win.db.session() as s:
        as_system(s)
        with pytest.raises(UserError, match="登录的工作人员"):
            register(s, RegistrationInput(Channel.VISIT, win.zhang, win.matters["其他"]), at=AT)
    assert _counts(win.db) == (0, 0)


def test_changing_the_catalogue_never_rewrites_past_registrations(win):
    saved = win.register("居家养老服务")
    with win.db.session(win.admin.actor) as s:
        matter = catalogue.get_matter(s, win.matters["居家养老服务"])
        catalogue.save_matter(s, catalogue.MatterInput("居家养老上门服务", "新的申请表", "", Handling.ASSIGN, 3),
                              matter.id)
    with win.db.session() as s:
        detail = details.get_detail(s, saved.id, AT.date())
    assert detail.matter_name == "居家养老服务" and detail.time_limit_days == 10
    assert detail.materials == matter.materials and detail.due_date == date(2026, 12, 9)
