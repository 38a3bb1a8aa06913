"""The search box on a PostgreSQL server (issue 19): the same answers as on SQLite for every query class,
and on a database made as ``server-prepare`` makes it (``LC_CTYPE 'C'``) each class reads the rows its
index lookup finds, never the whole person table. (Speed at 100,000 residents: the benchmark
tests/benchmarks/bench_server_search.py; the planner's choices there depend on statistics a small table
does not have.)"""

from __future__ import annotations

import json
import os
import random
import re
from datetime import date

import pytest
from sqlalchemy import insert, select
from sqlalchemy import text as sql_text

from shuanbai_desktop.data.migrate import open_server_database
from shuanbai_desktop.data.models import Person
from shuanbai_desktop.domain.idcard import make_id_number
from shuanbai_desktop.services import persons, server_prepare
from shuanbai_desktop.services.persons import PersonFilter
from tests import pgcluster
from tests.conftest import BOTH

BACKENDS = BOTH
OTHER_SURNAMES = "陈李王黄林吴何罗梁杨"  # pinyin from c to y
ZH_SURNAMES = "张赵周郑钟"  # zhang, zhao, zhou, zheng, zhong: the end of the display order
GIVEN = "建国秀英伟丽明华强军"
PEOPLE = 3000


def _rows(rng: random.Random, n: int) -> list[dict]:
    """Residents with the keys the program gives them (``persons.search_keys``); three in ten with a surname
    read zh…, so that a search for "zh" finds its answers at the end of the display order."""
    rows = []
    for i in range(n):
        surname = rng.choice(ZH_SURNAMES) if i % 10 < 3 else rng.choice(OTHER_SURNAMES)
        name = surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        pinyin, initials = persons.search_keys(name)
        rows.append({"name": name, "name_pinyin": pinyin, "name_initials": initials, "no_id_reason": "",
                     "id_number": make_id_number("441302", date(1940 + i % 70, 1 + i % 12, 1 + i % 28), i % 999),
                     "phone": f"1{rng.randrange(10**10):010d}" if i % 4 else "", "sex": "", "address": "",
                     "status": "registered", "notes": ""})
    return list({r["id_number"]: r for r in rows}.values())


def _expected(rows: list[dict], text: str) -> list[str]:
    """The rules in plain Python, in display order (pinyin; the ids follow the insertion order)."""
    found = []
    for order, r in enumerate(rows):
        if text.isascii() and text.isalpha():
            hit = r["name_pinyin"].startswith(text) or r["name_initials"].startswith(text)
        elif re.fullmatch(r"\d{3,}X?", text):
            hit = r["id_number"].endswith(text) or text in r["phone"]
        else:
            hit = text in r["name"]
        if hit:
            found.append((r["name_pinyin"], order, r["name"]))
    return [name for _pinyin, _order, name in sorted(found)]


def _asks(rows: list[dict], rng: random.Random) -> list[str]:
    picked = rng.sample(rows, 6)
    asks = ["zh", "zha", "zhang", "zj", "zhjg", "c", "cj", "hg", "yxy", "z", "chen"]
    asks += ["张建", "建国", "秀英伟", "王建国", "丽明", "周秀英"]
    asks += [r["name"] for r in picked if len(r["name"]) == 3]
    asks += [r["id_number"][-4:] for r in picked] + [r["phone"][3:7] for r in picked if r["phone"]]
    return asks


def test_every_class_answers_as_its_rule_on_both_backends(station_db):
    rng = random.Random(19)
    rows = _rows(rng, 500)
    with station_db.session() as s:
        s.execute(insert(Person), rows)
    with station_db.session() as s:
        for text in _asks(rows, rng):
            expected = _expected(rows, text)
            found = [r.name for r in persons.search(s, PersonFilter(text=text), limit=1000)]
            assert found == expected, text
            assert persons.count(s, PersonFilter(text=text)) == len(expected), text
            first = [r.name for r in persons.search(s, PersonFilter(text=text), limit=31)]
            assert first == expected[:31], text


# --- on a database as server-prepare makes it -----------------------------------------------------------


@pytest.fixture(scope="module")
def prepared(pg_server, tmp_path_factory):
    """A database made by ``server_prepare.prepare`` (LC_COLLATE and LC_CTYPE 'C'), built by the migrations,
    with PEOPLE residents and the server's statistics taken; (the open database, the rows)."""
    database, role = f"search_c_{os.getpid()}", f"search_c_role_{os.getpid()}"
    shared = tmp_path_factory.mktemp("pg-shared-search-c")
    admin = pgcluster.target("postgres", shared)
    server_prepare.prepare(admin, database, role, lambda: "Search-Ctype-2024-pw")
    db = open_server_database(pgcluster.target(database, shared))
    rows = _rows(random.Random(5), PEOPLE)
    try:
        with db.session() as s:
            s.execute(insert(Person), rows)
        pg_server.psql("VACUUM ANALYZE person, person_name_gram", database)  # as autovacuum would have
        yield db, rows
    finally:
        db.close()
        pg_server.drop_database(database)
        pg_server.psql(f"DROP ROLE IF EXISTS {role}")


def _rows_read(db, text: str) -> int:
    """The rows the server's scans produced or threw away (EXPLAIN ANALYZE) for the picker's query of ``text``
    (its first 31 persons in display order)."""
    query = persons.ids_query(PersonFilter(text=text), 31)
    with db.engine.connect() as conn:
        compiled = query.compile(conn)
        raw = conn.connection.driver_connection.cursor()
        raw.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled), compiled.params)
        plan = raw.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    total = 0
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        if "Scan" in node["Node Type"]:
            total += node["Actual Rows"] * node["Actual Loops"]
            total += node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return total


@pytest.mark.server_only
def test_the_database_is_made_with_ctype_c(prepared, backend):
    db, _rows_made = prepared
    with db.engine.connect() as conn:
        ctype = conn.execute(sql_text("SELECT datctype FROM pg_database WHERE datname = current_database()")).scalar()
    assert ctype == "C"  # what the tests below are about: docs/decisions.md, 服务器上的查找


@pytest.mark.server_only
def test_a_name_part_reads_its_candidates_not_every_row(prepared, backend):
    """Three characters or more of a name: under LC_CTYPE 'C' a ``pg_trgm`` index finds no trigram in Chinese
    text and answers every row; the name parts (``person_name_gram``) find the few candidates."""
    db, rows = prepared
    for text in ("王建国", "秀英伟", "周秀英", "张建国"):
        assert _rows_read(db, text) < PEOPLE // 10, text
        with db.session() as s:
            found = [r.name for r in persons.search(s, PersonFilter(text=text), limit=1000)]
        assert found == _expected(rows, text), text


@pytest.mark.server_only
def test_initials_at_the_end_of_the_order_read_from_their_letter_on(prepared, backend):
    """"zh": its answers (pinyin zh…, initials zh…) sit at the end of the display order; the display-order
    index is read from "z" on (at most the persons whose pinyin starts with z), not from "a" with every
    earlier row thrown away."""
    db, rows = prepared
    letter_z = sum(1 for r in rows if r["name_pinyin"].startswith("z"))
    assert letter_z < PEOPLE // 2
    for text in ("zh", "zj", "zhjg", "zhang"):
        assert _rows_read(db, text) <= letter_z + 31, text
        with db.session() as s:
            found = [r.name for r in persons.search(s, PersonFilter(text=text), limit=31)]
        assert found == _expected(rows, text)[:31], text


@pytest.mark.server_only
def test_digits_read_the_rows_their_indexes_find(prepared, backend):
    db, rows = prepared
    with db.session() as s:
        number, phone = s.execute(select(Person.id_number, Person.phone).where(Person.phone != "")
                                  .order_by(Person.id)).first()
    for text in (number[-4:], number[-6:], phone[3:7], phone[-5:]):
        assert _rows_read(db, text) < PEOPLE // 10, text
        with db.session() as s:
            found = [r.name for r in persons.search(s, PersonFilter(text=text), limit=1000)]
        assert found == _expected(rows, text), text
