"""The attachment store: content-addressed names, limits, kept in backups and brought back by restore."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data import audit
from shuanbai_desktop.data.models.attachments import Attachment
from shuanbai_desktop.data.models.cases import CaseRecord
from shuanbai_desktop.domain.labels import BackupKind, Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import attachments, auth, database_ops, persons
from shuanbai_desktop.services.archives import catalogue
from shuanbai_desktop.services.assets import register


def _file(tmp_path, name, data=b"%PDF-1.4 scan"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_stored_under_hash_without_the_personal_name(station_db, tmp_path):
    source = _file(tmp_path, "张三身份证复印件.pdf")
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, source, "")
    assert row.path.exists() and "张三" not in str(row.path)
    assert row.description == "张三身份证复印件"
    assert attachments.open_plain(row, station_db.path) == source.read_bytes()
    with station_db.session() as s:
        assert [a.id for a in attachments.list_attachments(s, station_db.path, "person", 1)] == [row.id]


@pytest.mark.parametrize(("name", "data", "rule"), [
    ("a.exe", b"MZ", "不支持"), ("empty.pdf", b"", "空文件")])
def test_refused_files(station_db, tmp_path, name, data, rule):
    with pytest.raises(UserError, match=rule), station_db.session() as s:
        attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, name, data), "")


def test_backup_carries_the_store_and_restore_brings_it_back(station_db, admin, tmp_path):
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, "x.png", b"png"), "照片")
    saved = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert (saved.path.parent / "attachments" / row.path.relative_to(attachments.store_dir(station_db.path))).exists()
    row.path.unlink()
    restored, _ = database_ops.restore_into(station_db, saved.path, admin.actor)
    restored.close()
    assert attachments.open_plain(row, station_db.path) == b"png"


# --- who may add and remove (issue 12): the permission of the owner's area ---------------------

def add_user(db, username: str, role: Role) -> audit.Actor:
    """A user of ``role`` and the actor for sessions acting as them (tests of who may do what)."""
    with db.session() as s:
        info = auth.create_user(s, username, f"测试{role.short}", role, "Qiao-dong-2024-zhan", must_change=False)
    return audit.Actor(info.id, username)


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(Attachment.id)))


@pytest.mark.parametrize(("role", "owner_type", "may"), [
    (Role.WINDOW, register.OWNER_TYPE, True), (Role.WINDOW, catalogue.OWNER_TYPE, True),
    (Role.WINDOW, "person", False), (Role.WINDOW, "household", False), (Role.WINDOW, "staff_member", False),
    (Role.SUPERVISOR, register.OWNER_TYPE, False), (Role.SUPERVISOR, catalogue.OWNER_TYPE, False),
    (Role.SUPERVISOR, "staff_supervision", True), (Role.SOCIAL_WORKER, "person", True),
    (Role.SOCIAL_WORKER, "staff_contract", False)])
def test_adding_needs_the_owners_permission(station_db, tmp_path, role, owner_type, may):
    actor = add_user(station_db, "tester", role)
    before = _count(station_db)
    if may:
        with station_db.session(actor) as s:
            attachments.add_attachment(s, station_db.path, owner_type, 1, _file(tmp_path, "scan.pdf"), "扫描件")
        assert _count(station_db) == before + 1
    else:
        with pytest.raises(UserError, match=f"“{role.short}”角色不能"), station_db.session(actor) as s:
            attachments.add_attachment(s, station_db.path, owner_type, 1, _file(tmp_path, "scan.pdf"), "扫描件")
        assert _count(station_db) == before


def test_removing_needs_the_owners_permission_too(station_db, tmp_path):
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 7, _file(tmp_path, "证件.pdf"), "证件")
    window = add_user(station_db, "chuangkou", Role.WINDOW)
    with pytest.raises(UserError, match="不能修改或删除居民信息"), station_db.session(window) as s:
        attachments.remove_attachment(s, row.id)
    assert _count(station_db) == 1
    with station_db.session() as s:  # the administrator
        attachments.remove_attachment(s, row.id)
    assert _count(station_db) == 0
    with pytest.raises(UserError, match="找不到这条附件记录"), station_db.session() as s:
        attachments.remove_attachment(s, row.id)


def test_added_by_is_the_sessions_user_not_a_claimed_name(station_db, tmp_path):
    window = add_user(station_db, "chuangkou", Role.WINDOW)
    forged = audit.Actor(window.user_id, "admin")  # the counter user's id under the administrator's name
    with station_db.session(forged) as s:
        row = attachments.add_attachment(s, station_db.path, register.OWNER_TYPE, 1, _file(tmp_path, "发票.pdf"), "发票")
    assert row.added_by == "chuangkou"


def test_case_attachments_only_by_the_cases_worker_or_an_administrator(station_db, tmp_path):
    mine, other = add_user(station_db, "shegong", Role.SOCIAL_WORKER), add_user(station_db, "shegong2", Role.SOCIAL_WORKER)
    with station_db.session() as s:
        person = persons.save_person(s, persons.PersonInput(name="李䶮", id_number="440524201503040022"))
        case = CaseRecord(case_no="2026-001", person_id=person, worker_id=mine.user_id, title="学业困难",
                          source="visit", opened_on=date(2026, 3, 2), stage="intake", status="open", description="")
        s.add(case)
        s.flush()
        case_id = case.id
    with pytest.raises(UserError, match="负责社工或管理员"), station_db.session(other) as s:
        attachments.add_attachment(s, station_db.path, "case_record", case_id, _file(tmp_path, "评估表.pdf"), "评估表")
    with station_db.session(mine) as s:
        row = attachments.add_attachment(s, station_db.path, "case_record", case_id, _file(tmp_path, "评估表.pdf"), "")
    with pytest.raises(UserError, match="负责社工或管理员"), station_db.session(other) as s:
        attachments.remove_attachment(s, row.id)
    with station_db.session() as s:
        attachments.remove_attachment(s, row.id)
    assert _count(station_db) == 0


def test_an_owner_type_without_a_permission_is_a_bug(station_db, tmp_path):
    with pytest.raises(ValueError, match="no permission"), station_db.session() as s:
        attachments.add_attachment(s, station_db.path, "no_such_table", 1, _file(tmp_path, "a.pdf"), "")
