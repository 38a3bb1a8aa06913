"""Issue 19, many writers at once: writer PROCESSES, each with the program's own database handle, register
window matters and catalogue archive files at the same time. Every 受理编号 and 档号 is handed out once,
none is skipped, and the audit trail is one verified chain afterwards.

On SQLite the writers are serialised by ``BEGIN IMMEDIATE``; on a server by the series' lock row
(data/numbering.py): the test runs on both (``BACKENDS = BOTH``). Without the series lock the server
variant fails with a duplicate 档号 (a unique-constraint violation in one writer)."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from shuanbai_desktop.data.models.archives import ArchiveFile
from shuanbai_desktop.data.models.numbering import NumberSeries
from shuanbai_desktop.data.models.window import WindowRegistration
from shuanbai_desktop.services import audit_log, persons
from shuanbai_desktop.services.window import catalogue as matters
from shuanbai_desktop.services.window.registration import RegistrationInput, register
from tests.conftest import ADMIN_PASSWORD, BOTH

BACKENDS = BOTH  # SQLite and the test server (tests/conftest.py)
WRITERS = 3
EACH = 12  # window matters and archive files per writer
AT = datetime(2026, 11, 25, 9, 30)
TODAY = AT.date()


def _open(where):
    """The station as the program opens it: a file (unlocked with the administrator's password), or a
    database on a server (its target)."""
    if isinstance(where, Path):
        from shuanbai_desktop.services.database_ops import open_app_database
        from tests.conftest import unlock
        unlock(where, "admin", ADMIN_PASSWORD)
        return open_app_database(where)
    from shuanbai_desktop.data.migrate import open_server_database
    return open_server_database(where)


def _writer(where, matter_id: int, person_id: int, start, done) -> None:
    """One PC: open the station, log in, then write as fast as it can, one transaction per record."""
    from shuanbai_desktop.domain.archive_rules import ArchiveCategory, Retention
    from shuanbai_desktop.domain.counter_labels import Channel, Handling
    from shuanbai_desktop.services import auth
    from shuanbai_desktop.services.archives import catalogue

    db = _open(where)
    try:
        user = auth.log_in(db, "admin", ADMIN_PASSWORD)
        start.wait(timeout=60)
        for i in range(EACH):
            with db.session(user.actor) as s:
                register(s, RegistrationInput(channel=Channel.VISIT, person_id=person_id, matter_type_id=matter_id,
                                              handling=Handling.ASSIGN),
                         at=AT + timedelta(seconds=i))
            with db.session(user.actor) as s:
                catalogue.save_file(s, catalogue.ArchiveInput(
                    title=f"{i}号走访记录", category=ArchiveCategory.DOCUMENTS, year=2026,
                    retention=Retention.Y10, pages=2, responsible="桥东街道社工站", doc_date=TODAY,
                    filed_on=TODAY), today=TODAY)
        done.put("ok")
    except BaseException as exc:  # the parent asserts on what each writer says
        done.put(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        db.close()


def _matter_and_person(db) -> tuple[int, int]:
    with db.session() as s:
        matter = next(m.id for m in matters.list_matters(s) if m.name == "居家养老服务")
        person = persons.save_person(s, persons.PersonInput("张三", "", "未办证"), today=TODAY)
    return matter, person


def test_writer_processes_at_once_hand_out_every_number_once_without_gaps(station_db):
    matter, person = _matter_and_person(station_db)
    where = station_db.server if station_db.server is not None else station_db.path
    ctx = multiprocessing.get_context("spawn")
    start, done = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(where, matter, person, start, done)) for _ in range(WRITERS)]
    for proc in procs:
        proc.start()
    start.set()
    results = [done.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert results == ["ok"] * WRITERS

    total = WRITERS * EACH
    with station_db.session() as s:
        tickets = sorted(s.scalars(select(WindowRegistration.ticket_no)))
        numbers = sorted(s.scalars(select(ArchiveFile.number).where(ArchiveFile.year == 2026)))
        series = set(s.scalars(select(NumberSeries.series)))
        chain = audit_log.check_chain(s)
    assert tickets == [f"20261125-{n:03d}" for n in range(1, total + 1)]
    assert numbers == [f"WS-2026-D10-{n:04d}" for n in range(1, total + 1)]
    assert {"window_ticket:20261125", "archive_item:documents:2026:d10"} <= series
    assert chain.ok, chain.message


def test_a_number_is_handed_out_under_its_series_lock(station_db):
    """Each numbered series takes its lock row in the writer's transaction (what a server needs)."""
    matter, person = _matter_and_person(station_db)
    with station_db.session() as s:
        saved = register(s, RegistrationInput(channel="visit", person_id=person, matter_type_id=matter),
                         at=datetime(2026, 11, 26, 9, 0))
        assert s.get(NumberSeries, "window_ticket:20261126") is not None
    assert saved.ticket_no == "20261126-001"
