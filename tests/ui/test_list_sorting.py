"""Column headers sort the lists: the person list through the database (an ORDER BY on an index, the ids
in that order), every other record list in memory; one mechanism (record_list.sort_header)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt

from shuanbai_desktop.domain.idcard import make_id_number
from shuanbai_desktop.domain.labels import PersonStatus
from shuanbai_desktop.services import persons, station
from shuanbai_desktop.services.persons import PersonFilter, PersonInput, PersonOrder
from shuanbai_desktop.ui.persons.list_page import COLUMNS, PersonsPage
from shuanbai_desktop.ui.record_list import RecordListPage
from shuanbai_desktop.ui.table_model import Column

NAMES = "张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴霞 徐明 孙丽 胡军 朱琳 高峰 林涛 何欣 郭强 马红 罗斌".split()


@pytest.fixture
def people(station_db, admin):
    rng = random.Random(14)
    with station_db.session(admin.actor) as s:
        villages = [v.code for v in station.list_villages(s)]
        for n, name in enumerate(NAMES):
            born = date(1940 + rng.randrange(70), rng.randrange(1, 13), rng.randrange(1, 28))
            number = make_id_number("441302", born, n + 1) if n % 7 else ""
            persons.save_person(s, PersonInput(name, number, "" if number else "未办证",
                                               village_code=rng.choice(villages + [None]),
                                               status=rng.choice(list(PersonStatus))),
                                today=date(2026, 12, 6))
    return station_db


@pytest.fixture
def page(qtbot, ctx, people):
    widget = PersonsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.refresh()
    return widget


def _click_header(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def _shown_ids(page: PersonsPage) -> list[int]:
    return [page.model.id_at(row) for row in range(page.model.total)]


def _database_order(db, order_sql: str) -> list[int]:
    with db.session() as s:
        return [row[0] for row in s.connection().exec_driver_sql(f"SELECT id FROM person ORDER BY {order_sql}")]


def _column(header: str) -> int:
    return [c.header for c in COLUMNS].index(header)


@pytest.mark.parametrize(("header", "ascending", "descending"), [
    ("年龄", "birth_date DESC, name_pinyin DESC, id DESC", "birth_date, name_pinyin, id"),
    ("性别", "sex, name_pinyin, id", "sex DESC, name_pinyin DESC, id DESC"),
    ("村(居)", "village_code, name_pinyin, id", "village_code DESC, name_pinyin DESC, id DESC"),
    ("状态", "status, name_pinyin, id", "status DESC, name_pinyin DESC, id DESC"),
])
def test_a_header_click_orders_the_persons_as_the_database_does(qtbot, page, people, header, ascending,
                                                                descending):
    by_name = _database_order(people, "name_pinyin, id")
    assert _shown_ids(page) == by_name  # the list opens in name order, no arrow
    _click_header(qtbot, page.table, _column(header))
    assert _shown_ids(page) == _database_order(people, ascending) != by_name
    assert page.table.horizontalHeader().sortIndicatorSection() == _column(header)
    _click_header(qtbot, page.table, _column(header))
    assert _shown_ids(page) == _database_order(people, descending)
    _click_header(qtbot, page.table, _column(header))  # the third click: the list's own order again
    assert _shown_ids(page) == by_name


def test_sorting_keeps_the_filters_and_masked_columns_do_not_sort(qtbot, page, people):
    page.status_filter.setCurrentIndex(page.status_filter.findData(PersonStatus.REGISTERED.value))
    _click_header(qtbot, page.table, _column("年龄"))
    expected = _database_order(people, "birth_date DESC, name_pinyin DESC, id DESC")
    with people.session() as s:
        registered = set(persons.search_ids(s, PersonFilter(status=PersonStatus.REGISTERED)))
    assert _shown_ids(page) == [pid for pid in expected if pid in registered]
    before = _shown_ids(page)
    _click_header(qtbot, page.table, _column("身份证号"))  # its order would tell the masked digits
    assert _shown_ids(page) == before
    assert page.table.horizontalHeader().sortIndicatorSection() == _column("年龄")


@pytest.mark.parametrize("key", sorted(persons.SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_every_person_order_reads_an_index_without_sorting(people, key, descending):
    with people.session() as s:
        query = persons.order_by(persons.filtered(persons.select(persons.Person.id), PersonFilter()),
                                 PersonOrder(key, descending))
        sql = str(query.compile(compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row[-1]) for row in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "TEMP B-TREE" not in plan and "INDEX" in plan, plan


# --- the lists in memory -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    id: int
    name: str
    price: str
    note: str


ITEMS = [Item(1, "台式电脑", "4,299.00", "b"), Item(2, "碎纸机", "480.00", ""), Item(3, "笔记本电脑", "12,000.00", "a"),
         Item(4, "投影仪", "3,299.00", "c")]


class ItemsPage(RecordListPage):
    def __init__(self, ctx):
        super().__init__(ctx, (Column("名称", lambda r: r.name), Column("原值（元）", lambda r: r.price),
                               Column("备注", lambda r: r.note)))

    def load(self, session):
        return ITEMS


def test_record_lists_sort_in_memory_numbers_as_numbers_and_keep_the_chosen_record(qtbot, ctx):
    page = ItemsPage(ctx)
    qtbot.addWidget(page)
    page.resize(600, 300)
    page.show()
    page.refresh()
    page.select(3)
    _click_header(qtbot, page.table, 1)
    assert [r.id for r in page.model.rows] == [2, 4, 1, 3]  # 480 < 3,299 < 4,299 < 12,000
    assert page.selected().id == 3
    _click_header(qtbot, page.table, 1)
    assert [r.id for r in page.model.rows] == [3, 1, 4, 2]
    _click_header(qtbot, page.table, 2)
    assert [r.id for r in page.model.rows] == [3, 1, 4, 2]  # the empty note last
    page.refresh()  # a reload keeps the order chosen
    assert [r.id for r in page.model.rows] == [3, 1, 4, 2] and page.selected().id == 3
