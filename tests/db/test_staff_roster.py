"""The roster: validation at the field, nothing saved on bad input, masking, links, liaison, search."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models import AuditEntry, ServicePoint
from shuanbai_desktop.data.models.staff import StaffMember
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.staff_labels import Certificate, StaffRole, StaffStatus
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.staff import contracts, roster
from shuanbai_desktop.services.staff.contracts import ContractInput
from tests.conftest import BOTH
from tests.db.test_staff_common import TODAY, add_point, hire, id_number, staff_input, villages

BACKENDS = BOTH


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(StaffMember.id)))


def test_a_worker_is_saved_with_sex_and_birth_from_the_id_number(station_db):
    codes = villages(station_db)
    point = add_point(station_db, "东湖社工点", codes[:3])
    staff_id = hire(station_db, "陈晓红", 7, point_id=point, village_codes=(codes[0],), phone="13800138000",
                    certificate_no="A123", certificate_date=date(2020, 6, 1))
    with station_db.session() as s:
        detail = roster.get_staff(s, staff_id)
        row = roster.list_staff(s, today=TODAY)[0]
        entry = s.scalar(select(AuditEntry).where(AuditEntry.table_name == "staff_member"))
    assert detail.data.id_number == id_number(7) and detail.sex == "男" and detail.birth_date == date(1990, 5, 17)
    assert row.id_masked == "441302********" + id_number(7)[-4:] and row.phone_masked == "138****8000"
    assert row.point_name == "东湖社工点" and len(row.village_names) == 1 and row.age == 36
    assert id_number(7) not in entry.changes and "13800138000" not in entry.changes


@pytest.mark.parametrize(("change", "field", "words"), [
    (dict(name=" "), "姓名", "不能为空"),
    (dict(id_number="441302199005170000"), "身份证号", "校验位"),
    (dict(phone="12345"), "联系电话", "手机号"),
    (dict(id_number=id_number(3, date(2012, 1, 1))), "身份证号", "未满 16"),
    (dict(hire_date=date(2020, 1, 1), id_number=id_number(3, date(2008, 1, 1))), "入职日期", "16 周岁"),
    (dict(certificate_date=date(2027, 1, 1)), "取证日期", "不能晚于今天"),
    (dict(is_liaison=True), "所在社工点", "联络人"),
    (dict(village_codes=("999999999999",)), "负责村(居)", "不属于本站"),
    (dict(pay_level_id=99), "薪酬等级", "不存在"),
    (dict(user_id=99), "登录账户", "不存在"),
])
def test_bad_input_is_named_at_its_field_and_nothing_is_saved(station_db, change, field, words):
    data = replace(staff_input("王五", 11), **change)
    with pytest.raises(UserError) as err, station_db.session() as s:
        roster.save_staff(s, data, today=TODAY)
    assert err.value.field == field and words in err.value.message
    assert _count(station_db) == 0


def test_an_id_number_is_registered_once(station_db):
    hire(station_db, "张三", 1)
    with pytest.raises(UserError) as err, station_db.session() as s:
        roster.save_staff(s, staff_input("张叁", 1), today=TODAY)
    assert err.value.field == "身份证号" and "已登记在“张三”名下" in err.value.message
    assert _count(station_db) == 1


def test_an_account_links_to_one_worker(station_db, admin):
    hire(station_db, "李副站长", 1, StaffRole.DEPUTY_HEAD, user_id=admin.id)
    with pytest.raises(UserError) as err, station_db.session() as s:
        roster.save_staff(s, staff_input("张三", 2, user_id=admin.id), today=TODAY)
    assert err.value.field == "登录账户" and "李副站长" in err.value.message
    with station_db.session() as s:
        assert roster.list_staff(s)[0].username == "admin"


def test_a_liaison_is_written_on_the_point_and_replaces_the_previous_one(station_db):
    codes = villages(station_db)
    point = add_point(station_db, "东湖社工点", codes[:3], liaison="旧联络人")
    first = hire(station_db, "黄志明", 1, point_id=point, is_liaison=True, phone="13900139000")
    second = hire(station_db, "林丽娟", 2, point_id=point, is_liaison=True)
    with station_db.session() as s:
        p = s.get(ServicePoint, point)
        assert (p.liaison_name, p.liaison_phone) == ("林丽娟", "")
        assert not s.get(StaffMember, first).is_liaison and s.get(StaffMember, second).is_liaison


def test_search_by_name_pinyin_and_initials_and_filter_by_status(station_db):
    hire(station_db, "曾嘉豪", 1)
    hire(station_db, "林丽娟", 2)
    with station_db.session() as s:
        assert [r.name for r in roster.list_staff(s, text="zjh")] == ["曾嘉豪"]
        assert [r.name for r in roster.list_staff(s, text="linli")] == ["林丽娟"]
        assert [r.name for r in roster.list_staff(s, text="丽")] == ["林丽娟"]
        assert roster.list_staff(s, StaffStatus.LEFT) == []
        assert len(roster.list_staff(s, None)) == 2


def test_roster_order_puts_station_posts_first(station_db):
    hire(station_db, "服务社工", 1)
    hire(station_db, "残疾人委员", 2, StaffRole.DISABILITY_OFFICER, Certificate.NONE)
    hire(station_db, "副站长", 3, StaffRole.DEPUTY_HEAD)
    with station_db.session() as s:
        assert [r.name for r in roster.list_staff(s)] == ["副站长", "残疾人委员", "服务社工"]


def test_only_a_record_without_history_may_be_deleted(station_db):
    kept, mistaken = hire(station_db, "张三", 1), hire(station_db, "误录", 2)
    with station_db.session() as s:
        contracts.add_contract(s, kept, ContractInput(date(2021, 7, 1), date(2024, 6, 30)), TODAY)
    with pytest.raises(UserError, match="办理离职"), station_db.session() as s:
        roster.delete_staff(s, kept)
    with station_db.session() as s:
        roster.delete_staff(s, mistaken)
    assert _count(station_db) == 1


def test_only_whoever_keeps_the_files_reads_one_unmasked(station_db):
    """The list is masked for everyone; the full file (the edit form's) is refused to other roles."""
    staff_id = hire(station_db, "张三", 1)
    with station_db.session() as s:
        supervisor = auth.create_user(s, "dudao", "刘督导", Role.SUPERVISOR, "Du-dao-2024-qd", must_change=False)
    with station_db.session(supervisor.actor) as s:
        assert "********" in roster.list_staff(s, today=TODAY)[0].id_masked
    with pytest.raises(UserError, match="“督导”角色不能维护人员档案"), station_db.session(supervisor.actor) as s:
        roster.get_staff(s, staff_id)
    with station_db.session() as s:
        assert roster.get_staff(s, staff_id).data.id_number == id_number(1)
