"""The search box's index (migration 0012_search_index): every query class read from an index, the same
answers as the plain substring/prefix rules, kept in step by every path that writes a person."""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy import text as sql_text

from shuanbai_desktop.data.models import Person
from shuanbai_desktop.domain.idcard import make_id_number
from shuanbai_desktop.services import database_ops, persons
from shuanbai_desktop.services.importing import batch
from shuanbai_desktop.services.importing.base import Existing, ImportKind
from shuanbai_desktop.services.persons import PersonFilter, PersonInput
from tests.conftest import BOTH, raw_connect

from .import_table import SOURCE
from .test_import_residents import ADULT_MAN, TODAY, _mapping, _roster

BACKENDS = BOTH
FIXTURES = Path(__file__).parent / "fixtures"
SURNAMES = "张王李赵陈刘杨黄吴周"
GIVEN = "建国秀英伟丽明华强军"


def _names(s, text: str) -> list[str]:
    return [r.name for r in persons.search(s, PersonFilter(text=text), limit=1000)]


def _rows(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 3))))
        rows.append({"name": name, "name_pinyin": f"p{i:04d}", "name_initials": "", "no_id_reason": "",
                     "id_number": make_id_number("441302", date(1950 + i % 60, 1 + i % 12, 1 + i % 28), i % 999),
                     "phone": f"1{rng.randrange(10**10):010d}" if i % 3 else "", "sex": "", "address": "",
                     "status": "registered", "notes": ""})
    return list({r["id_number"]: r for r in rows}.values())


def _plan(s, text: str) -> str:
    query = persons.ids_query(PersonFilter(text=text), 31)
    sql = str(query.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
    return " | ".join(r[3] + ";" for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


@pytest.mark.sqlite_only  # SQLite's query plans (the server's: tests/benchmarks)
def test_every_query_class_reads_an_index_never_the_whole_person_table(station_db):
    with station_db.session() as s:
        s.execute(insert(Person), _rows(random.Random(1), 50))
        number, phone = s.execute(select(Person.id_number, Person.phone).where(Person.phone != "")).first()
        for text in ("张", "建国", "张建国", "王秀英伟", number[-4:], number[-6:], phone[3:8], "zjg", "zhang",
                     number):
            plan = _plan(s, text)
            # No scan of the table or of one of its indexes (FTS5's "SCAN person_fts VIRTUAL TABLE INDEX 0:M…"
            # is its own index lookup).
            assert "SCAN person;" not in plan and "SCAN person USING" not in plan, (text, plan)


def test_answers_are_the_substring_and_tail_rules(station_db):
    rng = random.Random(7)
    rows = _rows(rng, 400)
    with station_db.session() as s:
        s.execute(insert(Person), rows)
        asks = ["张", "国", "建国", "秀英", "张建国", "丽明华", "王秀英伟", "英英"]
        asks += [r["id_number"][-k:] for r in rng.sample(rows, 5) for k in (4, 6)]
        asks += [r["phone"][k:k + 4] for r in rng.sample([r for r in rows if r["phone"]], 5) for k in (0, 3, 7)]
        for text in asks:
            expected = sorted(r["name_pinyin"] for r in rows if text in r["name"]
                              or (text.isdigit() and ((r["id_number"] or "").endswith(text) or text in r["phone"])))
            found = persons.search_ids(s, PersonFilter(text=text))
            pinyin = dict(s.execute(select(Person.id, Person.name_pinyin)).all())
            assert [pinyin[i] for i in found] == expected, text  # display order kept: pinyin, then id
            assert persons.count(s, PersonFilter(text=text)) == len(expected)
            first = persons.search_ids(s, PersonFilter(text=text), limit=31)
            assert [pinyin[i] for i in first] == expected[:31]


def _search_index_ok(db) -> None:
    """The name parts follow the persons (both backends); on SQLite FTS5's own integrity check too (the
    server's trigram indexes are the server's, always in step)."""
    if db.path is not None:
        conn = raw_connect(db.path, "rw")  # the FTS integrity check is written as an INSERT
        try:
            conn.execute("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')")  # raises when out of step
        finally:
            conn.close()
    found = "instr(lower(p.name), g.gram)" if db.path is not None else "strpos(lower(p.name), g.gram)"
    with db.session() as s:
        people = s.execute(sql_text("SELECT count(*) FROM person")).scalar_one()
        indexed = s.execute(sql_text("SELECT count(DISTINCT person_id) FROM person_name_gram")).scalar_one()
        assert indexed == people
        stale = s.execute(sql_text("SELECT count(*) FROM person_name_gram g LEFT JOIN person p ON p.id = g.person_id "
                               "WHERE p.id IS NULL OR p.name_pinyin != g.name_pinyin "
                               f"OR {found} = 0")).scalar_one()
        assert stale == 0


def test_the_form_keeps_the_index_in_step_on_create_edit_and_delete(station_db):
    with station_db.session() as s:
        pid = persons.save_person(s, PersonInput("欧阳明珠", ADULT_MAN, phone="13812345678"), today=TODAY)
    with station_db.session() as s:
        assert _names(s, "阳明") == _names(s, "欧阳明") == _names(s, "0116") == _names(s, "12345") == ["欧阳明珠"]
        persons.save_person(s, PersonInput("司马光", None, phone="13987654321"), person_id=pid, today=TODAY)
    with station_db.session() as s:
        assert _names(s, "阳明") == _names(s, "欧阳明") == _names(s, "12345") == []
        assert _names(s, "司马") == _names(s, "司马光") == _names(s, "0116") == _names(s, "76543") == ["司马光"]
    _search_index_ok(station_db)


def test_bulk_writes_keep_the_index_in_step(station_db):
    """The import's and the demo's Core inserts, a bulk UPDATE, a DELETE: the triggers follow each."""
    rows = _rows(random.Random(3), 60)
    with station_db.session() as s:
        s.execute(insert(Person), rows)
        first = s.scalar(select(Person.id).where(Person.id_number == rows[0]["id_number"]))
        table = Person.__table__  # below the ORM (its bulk UPDATE is refused): as a repair script would
        s.connection().execute(update(table).where(table.c.id == first).values(
            name="诸葛亮", name_pinyin="zhugeliang", phone="13700001111"))
        s.connection().execute(delete(table).where(table.c.id_number == rows[1]["id_number"]))
    with station_db.session() as s:
        assert _names(s, "诸葛") == _names(s, "诸葛亮") == _names(s, "0000111") == ["诸葛亮"]
        assert _names(s, rows[0]["id_number"][-6:]) == ["诸葛亮"]
        assert _names(s, rows[1]["id_number"][-6:]) == []
    _search_index_ok(station_db)


def test_an_import_and_its_undo_keep_the_index_in_step(station_db):
    tbl = _roster()
    with station_db.session() as s:
        row = batch.run_import(s, ImportKind.RESIDENTS, tbl, _mapping(tbl), Existing.SKIP, SOURCE, TODAY)
    with station_db.session() as s:
        assert _names(s, "建国") == _names(s, ADULT_MAN[-4:]) == _names(s, "0013800") == ["张建国"]
    _search_index_ok(station_db)
    with station_db.session() as s:
        batch.undo_batch(s, row.id)
    with station_db.session() as s:
        assert _names(s, "建国") == _names(s, ADULT_MAN[-4:]) == []
    _search_index_ok(station_db)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.db")), ids=lambda p: p.name)
def test_the_migration_indexes_the_residents_already_there(tmp_path, fixture):
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    conn = raw_connect(path)
    name, number = conn.execute("SELECT name, id_number FROM person WHERE id_number IS NOT NULL "
                                "AND length(name) >= 3 LIMIT 1").fetchone()
    conn.close()
    db = database_ops.open_app_database(path)
    try:
        with db.session() as s:
            for text in (name[:2], name[1:3], name, number[-4:]):
                assert name in _names(s, text), text
    finally:
        db.close()
    db = database_ops.open_app_database(path)
    try:
        _search_index_ok(db)
    finally:
        db.close()
