"""迁移到服务器 (issue 19): a SQLite station moved into an empty PostgreSQL database of this worker's throwaway
cluster (tests/pgcluster.py): every table, the attachments into the shared folder, the audit chain continued
and verified there; the old file marked and refusing writes (the services and the command line), reads still
possible; a non-empty target refused; a failure half-way leaves the server database empty."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data import audit, audit_key, moved_station, shared_marker
from shuanbai_desktop.data.base import Base
from shuanbai_desktop.data.models import AuditEntry, Setting
from shuanbai_desktop.data.models.attachments import Attachment
from shuanbai_desktop.data.numbering import lock_series
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import attachments, database_ops, encryption, server_move, server_recovery
from shuanbai_desktop.services.targets.person_query import PersonFilter
from tests import pgcluster
from tests.conftest import ADMIN_PASSWORD, build_template
from tests.db.test_cli import cli

AT = datetime(2026, 12, 20, 16, 30)
RESIDENTS = 120
PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def _add_demo_and_attachments(db) -> None:
    from shuanbai_desktop.demo import generate_demo
    generate_demo(db, residents=RESIDENTS)
    folder = db.path.parent / "originals"
    folder.mkdir()
    (folder / "户口本.png").write_bytes(PICTURE)
    (folder / "申请书.pdf").write_bytes(b"%PDF-1.4 " + b"x" * 3000)
    with db.session() as s:
        attachments.add_attachment(s, db.path, "person", 1, folder / "户口本.png", "户口本")
        attachments.add_attachment(s, db.path, "person", 2, folder / "申请书.pdf", "申请书")
        attachments.add_attachment(s, db.path, "person", 3, folder / "户口本.png", "同一张")  # the same file


@pytest.fixture(scope="module")
def station_template(station_template, tmp_path_factory):
    return build_template(tmp_path_factory, station_template, _add_demo_and_attachments)


@pytest.fixture
def station(station_db, station_template):
    """The station with its attachment store (``copy_template`` copies the database file and its key file)."""
    shutil.copytree(attachments.store_dir(station_template), attachments.store_dir(station_db.path))
    return station_db


_COUNT = iter(range(1, 10**6))


@pytest.fixture
def target(pg_server, tmp_path, request):
    """An empty database of the test cluster (dropped after the test) and its shared folder."""
    name = f"move_{os.getpid()}_{next(_COUNT)}"
    pg_server.create_database(name)
    request.addfinalizer(lambda: pgcluster.cluster().drop_database(name))
    return pgcluster.target(name, tmp_path / "共用 文件夹")


def _tables_on(pg_server, name: str) -> list[str]:
    with pg_server.connect(name) as conn:
        return [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


def _counts(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables if t.name in names}


def _admin(db):
    return db.acting_for


def test_the_station_moves_with_its_rows_attachments_and_audit_chain(station, target, pg_server):
    from shuanbai_desktop.services import persons
    from shuanbai_desktop.services.opening import open_app_database
    before = _counts(station)
    steps: list[int] = []
    result = server_move.move_to_server(station, target, _admin(station), AT,
                                        lambda percent, _text: steps.append(percent))
    assert steps == sorted(steps) and steps[-1] == 100
    assert result.backup_file.exists() and result.chain_message.startswith("操作日志校验链完整")
    before["audit_entry"] += 1  # the backup before the move is in the trail (and so copied)
    assert {t.table: t.rows for t in result.tables} == before
    assert result.attachments == 2 and result.missing_attachments == 0  # two files, three rows
    server = open_app_database(target)  # the app's own path on the server URL
    try:
        with server.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                if table.name in before:
                    found = conn.execute(select(func.count()).select_from(table)).scalar_one()
                    # the trail: the move's event; the settings: the database's id (data/shared_marker.py) and
                    # the server's recovery code (its hash; when it was made, a row the file may not have yet)
                    added = {"audit_entry": (1,), "setting": (2, 3)}.get(table.name, (0,))
                    assert found - before[table.name] in added, table.name
        check = database_ops.verify(server)
        assert check.ok, check.chain.message
        assert check.chain.entries == before["audit_entry"] + 1
        with server.session(_admin(station)) as s:
            last = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
            assert last.summary.startswith("迁移到服务器") and last.username == "admin"
            # an app session on the server sees the residents, and finds them by name
            assert persons.count(s, PersonFilter()) == before["person"] >= RESIDENTS
            first = persons.get_person(s, 1)
            assert 1 in persons.search_ids(s, PersonFilter(text=first.name))
            # attachments open from the shared folder, as the server station keeps them (plain)
            rows = attachments.list_attachments(s, target.anchor, "person", 1)
            assert attachments.open_plain(rows[0], target.anchor) == PICTURE
            assert not rows[0].encrypted and rows[0].path.parent.parent == target.shared_dir / "attachments"
        # a new record on the server continues the ids and the chain
        with server.session(_admin(station)) as s:
            added = persons.save_person(s, persons.PersonInput("迁移后", "", "未办证"))
        assert added > before["person"]
        assert database_ops.verify(server).ok
    finally:
        server.close()


def test_the_move_gives_the_server_a_recovery_code_of_its_own(station, target):
    """The file's code opens only the file's key slot: the server gets a new one, its hash in the database, and
    the result hands it to the administrator (never in its repr); it resets an administrator on the server."""
    from shuanbai_desktop.services import auth
    from shuanbai_desktop.services.opening import open_app_database
    result = server_move.move_to_server(station, target, _admin(station), AT)
    assert result.recovery_code and result.recovery_code not in repr(result)
    server = open_app_database(target)
    try:
        status = encryption.status(server)
        assert status.by_server and status.recovery_made_at == AT
        with server.session() as s:
            stored = json.loads(s.get(Setting, server_recovery.HASH_SETTING).value)
            event = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
        assert stored.startswith("$argon2id$") and stored not in (event.changes or "")
        assert encryption.recover_admin(None, result.recovery_code, "admin", "Server-2026-new", "Server-2026-new",
                                        AT, server) is server
        assert auth.log_in(server, "admin", "Server-2026-new").username == "admin"
    finally:
        server.close()
    with station.session() as s:  # the file keeps no hash: its own code stays in its key file
        assert s.get(Setting, server_recovery.HASH_SETTING) is None


def test_the_old_file_refuses_writes_and_still_reads(station, target):
    from shuanbai_desktop.services import persons
    from shuanbai_desktop.services import station as station_service
    moved = server_move.move_to_server(station, target, _admin(station), AT)
    with pytest.raises(UserError) as caught, station.session() as s:
        persons.save_person(s, persons.PersonInput("新居民", "", "未办证"))
    assert "本站数据已迁移到服务器" in caught.value.message and target.display() in caught.value.message
    assert "此文件只能查看" in caught.value.message
    with pytest.raises(UserError, match="此文件只能查看"), station.session() as s:  # a Core statement too
        lock_series(s, "window_ticket:20261220")  # the numbers' lock row: an INSERT … ON CONFLICT
    with station.session() as s:
        assert persons.count(s, PersonFilter()) >= RESIDENTS
        assert station_service.get_station(s) is not None
    from shuanbai_desktop.services import auth
    auth.log_in(station, "admin", ADMIN_PASSWORD)  # the log-in's bookkeeping is still kept
    assert database_ops.verify(station).ok
    marker = json.loads(moved_station.marker_path(station.path).read_text(encoding="utf-8"))
    assert marker["url"] == target.display()
    assert target.display() in moved_station.start_notice(station.path)
    with pytest.raises(UserError, match="此文件只能查看"):  # a restore would make it a second live station
        database_ops.prepare_restore(station, moved.backup_file)
    with pytest.raises(UserError, match="此文件只能查看"):  # and it does not move twice
        server_move.move_to_server(station, target, _admin(station), AT)


def test_a_target_that_is_not_empty_is_refused(station, target, pg_server):
    pg_server.psql("CREATE TABLE notes (id int)", target.database)
    with pytest.raises(UserError) as caught:
        server_move.check_target(target)
    assert "不是空的" in caught.value.message and "notes" in caught.value.message
    with pytest.raises(UserError, match="notes"):
        server_move.move_to_server(station, target, _admin(station), AT)
    assert _tables_on(pg_server, target.database) == ["notes"]
    with station.session() as s:
        assert moved_station.moved_to(s) is None


def test_a_worker_may_not_move_the_station(station, target):
    from shuanbai_desktop.domain.labels import Role
    from shuanbai_desktop.services import auth
    with station.session() as s:
        auth.create_user(s, "xiaowang", "王社工", Role.SOCIAL_WORKER, "Gong-zuo-2024-abc")
    from tests.db.test_cli import act_as
    act_as(station, "xiaowang")
    with pytest.raises(UserError, match="只有管理员"):
        server_move.move_to_server(station, target, station.acting_for, AT)


@pytest.mark.parametrize("stop_at", ["正在复制 居民", "正在续写操作日志"])  # rows half copied; files written
def test_a_failure_half_way_leaves_the_server_database_empty(station, target, pg_server, stop_at):
    class Stop(Exception):
        pass

    def progress(_percent: int, text: str) -> None:
        if text.startswith(stop_at):
            raise Stop()

    with pytest.raises(Stop):
        server_move.move_to_server(station, target, _admin(station), AT, progress)
    assert _tables_on(pg_server, target.database) == []
    assert [p for p in target.shared_dir.rglob("*") if p.is_file()] == []  # no attachment, key or head file
    with station.session() as s:
        assert moved_station.moved_to(s) is None
    # and the move can be done afterwards
    assert server_move.move_to_server(station, target, _admin(station), AT).audit_entries > 0


def test_attachments_of_an_encrypted_station_arrive_plain_and_whole(station, target):
    store = attachments.store_dir(station.path)
    assert all(p.name.endswith(".enc") for p in store.rglob("*") if p.is_file())  # encrypted at the source
    server_move.move_to_server(station, target, _admin(station), AT)
    with station.session() as s:
        names = {row.stored_name: row.sha256 for row in s.scalars(select(Attachment))}
    for name, sha in names.items():
        there = target.shared_dir / "attachments" / name[:2] / name
        assert hashlib.sha256(there.read_bytes()).hexdigest() == sha


def test_the_chain_key_and_head_are_in_the_shared_folder(station, target):
    server_move.move_to_server(station, target, _admin(station), AT)
    with station.session() as s:
        chain = audit.chain_id(s.connection())
    assert audit_key.key_path(chain, target.anchor).exists()
    head = audit_key.read_head(target.anchor)
    assert head is not None and head.chain_id == chain


def test_the_move_marks_the_shared_folder_with_the_server_databases_id(station, target, pg_server):
    server_move.move_to_server(station, target, _admin(station), AT)
    with pg_server.connect(target.database) as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = %s", (shared_marker.ID_SETTING,)).fetchone()
    marker = shared_marker.read_marker(target.shared_dir)
    assert row is not None and marker is not None and marker.database_id == json.loads(row[0])
    assert marker.database == target.database and marker.server == f"127.0.0.1:{target.port}"
    with station.session() as s:  # the file has no id of its own: only the server database is named
        assert s.get(Setting, shared_marker.ID_SETTING) is None


# --- the command line (real processes) -------------------------------------------------------------


def _cli_env_shared(target) -> list[str]:
    return ["--shared-dir", str(target.shared_dir)]


def test_move_to_server_at_the_command_line(station, target, pg_server, tmp_path):
    path = station.path
    station.close()
    url = pgcluster.cluster().url(target.database)
    move = ("--db", path, "move-to-server", "--to", url, *_cli_env_shared(target))
    done = cli(*move, login=("admin", ADMIN_PASSWORD))
    assert done.returncode == 2 and "--recovery-file" in done.stderr  # where the server's new code goes
    assert _tables_on(pg_server, target.database) == []
    recovery = tmp_path / "服务器恢复码.txt"
    done = cli(*move, "--recovery-file", recovery, login=("admin", ADMIN_PASSWORD))
    assert done.returncode == 0, done.stderr
    assert "迁移完成" in done.stdout and target.display() in done.stdout
    assert f"恢复码已写入：{recovery}" in done.stdout
    assert "audit_entry" in _tables_on(pg_server, target.database)
    assert oct(recovery.stat().st_mode & 0o777) == "0o600"
    # the server station answers verify
    check = cli("--db", url, "--shared-dir", target.shared_dir, "verify")
    assert check.returncode == 0, check.stderr + check.stdout
    assert "操作日志校验链完整" in check.stdout
    # the code written resets the administrator on the server
    new_password = tmp_path / "new.txt"
    new_password.write_text("Server-2026-new\n", encoding="utf-8")
    reset = cli("--db", url, "--shared-dir", target.shared_dir, "recover", "--recovery-file", recovery,
                "--user", "admin", "--password-file", new_password)
    assert reset.returncode == 0, reset.stderr
    # the old file: a write is refused with the message, a read (an export, verify) still works
    report = path.parent / "报表"
    report.mkdir()
    refused = cli("--db", path, "report", "--month", "2026-11", "--out", report, login=("admin", ADMIN_PASSWORD))
    assert refused.returncode == 2 and "此文件只能查看" in refused.stderr and target.display() in refused.stderr
    assert not any(report.iterdir())  # marking the month reported is a write
    ledger = cli("--db", path, "ledger", "visits", "--from", "2020-01-01", "--to", "2030-12-31",
                 "--out", path.parent / "走访台账.xlsx", login=("admin", ADMIN_PASSWORD))
    assert ledger.returncode == 0, ledger.stderr
    assert (path.parent / "走访台账.xlsx").exists()
    old = cli("--db", path, "verify", login=("admin", ADMIN_PASSWORD))
    assert old.returncode == 0, old.stderr + old.stdout


def test_move_to_server_at_the_command_line_refuses_a_full_target(station, target, pg_server):
    path = station.path
    station.close()
    pg_server.psql("CREATE TABLE other_program (id int)", target.database)
    recovery = path.parent / "恢复码.txt"
    done = cli("--db", path, "move-to-server", "--to", pgcluster.cluster().url(target.database),
               *_cli_env_shared(target), "--recovery-file", recovery, login=("admin", ADMIN_PASSWORD))
    assert done.returncode == 2 and "other_program" in done.stderr
    assert not recovery.exists()  # made before the move, removed when it was refused

