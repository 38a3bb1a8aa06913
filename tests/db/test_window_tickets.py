"""Ticket numbers: readable, unique, never reused — also after restoring an older backup (a file with its
ledger; a server, where the restore event carries the day's last number)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select, text

from shuanbai_desktop import paths
from shuanbai_desktop.data import numbering
from shuanbai_desktop.data.base import now
from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.data.models.window import WindowRegistration
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.services import backup, database_ops
from shuanbai_desktop.services.window import handling, tickets
from tests.clock import clock_on
from tests.conftest import BOTH

from .test_window_helpers import AT, win_fixture, win_template  # noqa: F401  (fixtures)

BACKENDS = BOTH


def test_numbers_count_up_per_day_and_restart_the_next_day(win):
    first, second = win.register(), win.register(at=AT + timedelta(minutes=5))
    next_day = win.register(at=AT + timedelta(days=1))
    assert (first.ticket_no, second.ticket_no, next_day.ticket_no) == ("20261125-001", "20261125-002", "20261126-001")


def test_a_voided_registration_keeps_its_number(win):
    first = win.register()
    with win.db.session(win.clerk.actor) as s:
        handling.void(s, first.id, "重复登记", at=AT)
    assert win.register(at=AT + timedelta(minutes=1)).ticket_no == "20261125-002"


def test_more_than_999_a_day_still_sorts_and_counts_correctly(win):
    with win.db.session(win.clerk.actor) as s:
        s.get(WindowRegistration, win.register().id).ticket_no = "20261125-999"
    assert win.register(at=AT + timedelta(minutes=1)).ticket_no == "20261125-1000"
    assert win.register(at=AT + timedelta(minutes=2)).ticket_no == "20261125-1001"


def _restore(win, backup_file, remove_ledger: bool = False):
    if remove_ledger:
        tickets.ledger_path(win.db.path).unlink()
    reopened, _ = database_ops.restore_into(win.db, backup_file, win.admin.actor)
    win.db = reopened
    return reopened


def _tickets(db) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(WindowRegistration.ticket_no).order_by(WindowRegistration.id)))


@pytest.fixture
def morning_backup(win, tmp_path, backend):
    """Two tickets, a backup, then three more tickets handed out before the restore.

    The restore is stamped with the clock, so the clock is set to an afternoon the test chooses:
    the whole test happens on one day, whatever the real date and time."""
    with clock_on(date(2026, 12, 2), time(15, 0)):
        start = now() - timedelta(minutes=30)
        for i in range(2):
            win.register(at=start + timedelta(minutes=i))
        if backend == "postgresql":
            info = database_ops.backup_now(win.db, BackupKind.MANUAL)
        else:
            info = backup.make_backup(win.db.path, tmp_path / "usb", BackupKind.MANUAL)
        handed_out = [win.register(at=start + timedelta(minutes=10 + i)).ticket_no for i in range(3)]
        yield info.path, handed_out
        win.db.close()


@pytest.mark.sqlite_only
def test_restore_of_an_older_backup_the_same_day_does_not_reissue_numbers(win, morning_backup):
    backup_file, handed_out = morning_backup
    db = _restore(win, backup_file)
    assert len(_tickets(db)) == 2
    fresh = win.register(at=now()).ticket_no
    assert fresh not in handed_out
    assert fresh.endswith("-006")  # continues after the last number really issued (the ledger)


@pytest.mark.sqlite_only
def test_restore_on_another_computer_jumps_to_a_new_hundred(win, morning_backup):
    backup_file, handed_out = morning_backup
    _restore(win, backup_file, remove_ledger=True)
    fresh = win.register(at=now()).ticket_no
    after = win.register(at=now() + timedelta(seconds=1)).ticket_no
    assert fresh.endswith("-101") and after.endswith("-102")
    assert fresh not in handed_out


@pytest.mark.server_only
def test_a_restore_on_a_server_continues_after_the_last_number_it_replaced(win, morning_backup):
    """A server keeps no ledger: the restore reads the day's last number from the database it replaces and
    its event carries it; the next registration continues after it, and after that the database's own."""
    backup_file, handed_out = morning_backup
    with clock_on(date(2026, 12, 2), time(15, 5)):
        reopened, _ = database_ops.restore_into(win.db, backup_file, win.admin.actor)
        win.db = reopened
        assert len(_tickets(reopened)) == 2
        with reopened.session() as s:
            event = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert event.summary.startswith("从备份恢复") and '"last_ticket": "20261202-005"' in event.changes
        fresh = win.register(at=now()).ticket_no
        after = win.register(at=now() + timedelta(seconds=1)).ticket_no
    assert (fresh, after) == ("20261202-006", "20261202-007")
    assert not list(paths.backups_dir(reopened.anchor).parent.glob("*window-tickets*"))


def test_a_server_keeps_no_ticket_ledger_and_numbers_still_count_up(win, backend):
    first, second = win.register(), win.register(at=AT + timedelta(minutes=5))
    assert (first.ticket_no, second.ticket_no) == ("20261125-001", "20261125-002")
    folder = win.db.anchor.parent if backend == "postgresql" else win.db.path.parent
    assert bool(list(folder.glob("*window-tickets*"))) is (backend == "sqlite")


@pytest.mark.sqlite_only
def test_unreadable_ledger_is_ignored(win):
    win.register()
    tickets.ledger_path(win.db.path).write_text("{not json", encoding="utf-8")
    assert win.register(at=AT + timedelta(minutes=1)).ticket_no == "20261125-002"
    assert "20261125-002" in tickets.ledger_path(win.db.path).read_text(encoding="utf-8")


@pytest.mark.sqlite_only
def test_ledger_file_name_and_content_carry_no_personal_data(win):
    win.register()
    path = tickets.ledger_path(win.db.path)
    assert path.name == "station-window-tickets.json"
    assert path.read_text(encoding="utf-8") == '{"last_ticket": "20261125-001"}'


def test_format():
    assert tickets.format_ticket(datetime(2026, 11, 28).date(), 3) == "20261128-003"


def test_a_series_prefix_is_a_range_of_the_index_on_both_backends(win, backend):
    """``numbering.starting_with``: exactly the values with the prefix (not the day before or after, nor a
    longer day number), read through the unique index — on a server too, where LIKE would be ILIKE and read
    every registration while the day's series is locked."""
    for minute, day in enumerate((AT - timedelta(days=1), AT, AT, AT + timedelta(days=1))):
        win.register(at=day + timedelta(minutes=minute))
    query = select(WindowRegistration.ticket_no).where(numbering.starting_with(WindowRegistration.ticket_no,
                                                                               "20261125-"))
    with win.db.session() as s:
        assert sorted(s.scalars(query)) == ["20261125-001", "20261125-002"]
        explain = "EXPLAIN " if backend == "postgresql" else "EXPLAIN QUERY PLAN "
        if backend == "postgresql":
            s.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in s.execute(text(explain + str(compiled))))
    if backend == "postgresql":  # the range is the index's condition, not a filter over every entry
        assert "Index Cond" in plan and "ticket_no" in plan and "Filter" not in plan, plan
    else:  # SEARCH: a range of the index (SCAN would read all of it)
        assert plan.startswith("SEARCH window_registration") and "ticket_no>" in plan.replace(" ", ""), plan
