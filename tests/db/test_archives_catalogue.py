"""The archive catalogue: 档号 numbering, owners, corrections, refusals that save nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models.archives import ArchiveFile
from shuanbai_desktop.domain.archive_rules import ArchiveCategory, Confidentiality, OwnerKind, Retention
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.archives import catalogue
from shuanbai_desktop.services.archives.catalogue import ArchiveFilter, ArchiveInput, OwnerLink
from tests.conftest import BOTH

BACKENDS = BOTH

TODAY = date(2024, 6, 15)


def personnel(title="陈晓红人事档案", **changes) -> ArchiveInput:
    values = dict(title=title, category=ArchiveCategory.PERSONNEL, year=2024, retention=Retention.Y30, pages=12,
                  responsible="桥东街道社工站", doc_date=date(2024, 1, 8), filed_on=date(2024, 3, 1),
                  cabinet="1", box="3", owner=OwnerLink(OwnerKind.STAFF, None, "陈晓红"))
    values.update(changes)
    return ArchiveInput(**values)


def _save(db, admin, data, file_id=None):
    with db.session(admin.actor) as s:
        return catalogue.save_file(s, data, file_id, today=TODAY)


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(ArchiveFile.id)))


def test_numbers_run_per_category_year_and_retention(station_db, admin):
    ids = [_save(station_db, admin, personnel(f"第{i}份人事档案")) for i in range(3)]
    other = _save(station_db, admin, personnel("2024年度工作总结", category=ArchiveCategory.DOCUMENTS,
                                               retention=Retention.PERMANENT, owner=None))
    with station_db.session() as s:
        numbers = [catalogue.get_file(s, i).number for i in [*ids, other]]
        row = catalogue.get_file(s, ids[0])
    assert numbers == ["RS-2024-D30-0001", "RS-2024-D30-0002", "RS-2024-D30-0003", "WS-2024-Y-0001"]
    assert row.owner_text == "工作人员：陈晓红" and row.place_text == "1柜 3盒" and row.state_text == "在库"
    assert row.expiry == date(2054, 12, 31)


def test_duplicate_number_refused_at_the_item_field(station_db, admin):
    _save(station_db, admin, personnel())
    with pytest.raises(UserError, match="档号 RS-2024-D30-0001 已用于“陈晓红人事档案”") as err:
        _save(station_db, admin, personnel("林丽娟人事档案", item_no=1))
    assert err.value.field == "件号"
    assert _count(station_db) == 1


@pytest.mark.parametrize(("changes", "field", "rule"), [
    (dict(title=""), "题名", "不能为空"),
    (dict(year=2025, doc_date=None), "年度", "之间"),
    (dict(year=2023), "年度", "一致"),
    (dict(pages=0), "页数", "1 到"),
    (dict(pages=100000), "页数", "1 到"),
    (dict(item_no=10000), "件号", "1 到"),
    (dict(doc_date=date(2024, 6, 16), year=2024), "文件日期", "晚于今天"),
    (dict(filed_on=date(2024, 1, 1)), "归档日期", "早于文件日期"),
    (dict(owner=OwnerLink(OwnerKind.PERSON, 999)), "所属", "不存在"),
    (dict(owner=OwnerLink(OwnerKind.CASE, None, "某个案")), "所属", "个案"),
])
def test_bad_input_names_the_field(station_db, admin, changes, field, rule):
    with pytest.raises(UserError, match=rule) as err:
        _save(station_db, admin, personnel(**changes))
    assert err.value.field == field
    assert _count(station_db) == 0


def test_link_to_a_person_of_the_registry_and_find_by_owner(station_db, admin):
    with station_db.session(admin.actor) as s:
        person = persons.save_person(s, persons.PersonInput("张三", no_id_reason="未办证"))
    file_id = _save(station_db, admin, personnel("张三个案服务记录", category=ArchiveCategory.SERVICE,
                                                 retention=Retention.Y10, owner=OwnerLink(OwnerKind.PERSON, person)))
    with station_db.session() as s:
        rows = catalogue.files_for_owner(s, OwnerKind.PERSON, person)
        assert [r.id for r in rows] == [file_id] and rows[0].owner.label == "张三"
        assert [r.number for r in catalogue.list_files(s, ArchiveFilter(text="张三"))] == ["YW-2024-D10-0001"]
        assert catalogue.list_files(s, ArchiveFilter(category=ArchiveCategory.FINANCE)) == []


def test_edit_keeps_or_renumbers(station_db, admin):
    file_id = _save(station_db, admin, personnel())
    _save(station_db, admin, personnel("陈晓红人事档案（补充）", item_no=1, confidentiality=Confidentiality.SECRET), file_id)
    _save(station_db, admin, personnel("2024年物资台账", category=ArchiveCategory.MATERIALS, retention=Retention.Y10,
                                       owner=None, item_no=None), file_id)
    with station_db.session() as s:
        row = catalogue.get_file(s, file_id)
        assert catalogue.years(s) == [2024]
    assert (row.number, row.title) == ("WZ-2024-D10-0001", "2024年物资台账")
    assert _count(station_db) == 1


def test_a_supervisor_catalogues_nothing_a_counter_worker_does(station_db):
    from tests.db.test_attachments import add_user
    supervisor, window = add_user(station_db, "dudao", Role.SUPERVISOR), add_user(station_db, "chuangkou", Role.WINDOW)
    with pytest.raises(UserError, match="“督导”角色不能登记档案和借阅"), station_db.session(supervisor) as s:
        catalogue.save_file(s, personnel(), today=TODAY)
    assert _count(station_db) == 0
    with station_db.session(window) as s:
        catalogue.save_file(s, personnel(), today=TODAY)
    assert _count(station_db) == 1
