"""Backups of a station on a PostgreSQL server (issue 19, services/server_backup.py): pg_dump with its sidecar,
verification in a scratch database, a damaged dump refused, restore by an administrator (a deleted resident
comes back, the audit chain verifies), refusals (client older than the server, other sessions connected),
the check without CREATEDB, and the command line's backup/verify/restore on a server URL in real processes.
Runs against this worker's throwaway cluster (tests/pgcluster.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shuanbai_desktop import paths
from shuanbai_desktop.data.models import AuditEntry, Person
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import backup, database_ops, persons, server_backup
from shuanbai_desktop.services.persons import PersonInput
from tests import pgcluster
from tests.conftest import ADMIN_PASSWORD

BACKENDS = ("postgresql",)
TODAY = date(2025, 6, 30)


def _add_person(db, name: str, number: str) -> int:
    with db.session() as s:
        return persons.save_person(s, PersonInput(name, number, village_code="441302001001"),
                                   confirm_similar=True, today=TODAY)


def _people(db) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(Person)).scalar_one()


def _folder(db) -> Path:
    return paths.backups_dir(db.anchor)


def test_a_backup_is_a_dump_with_its_sidecar_and_it_verifies(station_db):
    _add_person(station_db, "欧阳建国", "440524194501010011")
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    assert info.path.parent == station_db.server.shared_dir / "backups"
    assert info.path.name.startswith("backup-441302001-") and info.path.suffix == ".pgdump"
    assert info.path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    side = json.loads(backup.sidecar_path(info.path).read_text(encoding="utf-8"))
    assert side["check"] == "pending" and side["database"] == station_db.server.database
    assert side["server_version"].split(".")[0].isdigit() and side["counts"]["person"] == 1
    assert side["sha256"] == backup._sha256(info.path) and side["alembic"]
    assert (info.path.with_suffix(".key")).is_file()  # the audit trail's keys go along
    assert [b.path for b in backup.list_backups(_folder(station_db))] == [info.path]

    checked = server_backup.verify_and_record(station_db, info)
    assert checked.check == "ok", checked.check
    assert backup.list_backups(_folder(station_db))[0].verified
    with pgcluster.cluster().connect() as conn:  # the scratch database is gone
        left = conn.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'shuanbai_verify_%'").fetchone()[0]
    assert left == 0


def test_a_truncated_dump_fails_verification_in_chinese(station_db):
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    data = info.path.read_bytes()
    info.path.write_bytes(data[: len(data) * 2 // 3])
    result = server_backup.verify_and_record(station_db, info)
    assert result.check != "ok" and "校验值" in result.check  # the sidecar's SHA-256 no longer matches
    # without the sidecar's SHA-256, the restore into the scratch database finds it
    bare = backup.BackupInfo(info.path, info.created_at, info.kind, info.size, "pending", "", info.audit_head,
                             info.town_code, None, info.extra)
    found = server_backup.verify_file(station_db.server, None, info.path, bare)
    assert found != "ok" and "损坏" in found, found
    assert "有问题" in backup.check_label(found)
    assert server_backup.read_check(info.path) != backup.READABLE


def test_restore_brings_back_a_deleted_resident_and_the_chain_verifies(station_db):
    kept = _add_person(station_db, "司马秀兰", "44052419520202002X")
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    with station_db.session() as s:
        s.delete(s.get(Person, kept))
    _add_person(station_db, "诸葛明", "440524196003030035")  # made after the backup: gone after the restore
    assert _people(station_db) == 1

    new_db, safety = database_ops.restore_into(station_db, info.path)
    try:
        with new_db.session() as s:
            names = [p.name for p in s.scalars(select(Person))]
            assert names == ["司马秀兰"]
            event = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
            assert event.summary == f"从备份恢复：{info.path.name}"
        result = database_ops.verify(new_db)
        assert result.ok, result.chain.message
    finally:
        new_db.close()
    assert safety is not None and safety.suffix == ".pgdump" and "pre-restore" in safety.name
    safety_info = next(b for b in backup.list_backups(safety.parent) if b.path == safety)
    assert safety_info.kind is BackupKind.PRE_RESTORE and safety_info.extra["counts"]["person"] == 1


def test_restore_is_refused_while_another_session_is_connected(station_db):
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    _add_person(station_db, "欧阳建国", "440524194501010011")
    with pgcluster.cluster().connect(station_db.server.database) as other:
        other.execute("SELECT 1")
        with pytest.raises(UserError) as caught:
            database_ops.restore_into(station_db, info.path)
    assert "还有 1 个连接正在使用" in caught.value.message and "没有恢复" in caught.value.message
    assert _people(station_db) == 1  # nothing restored


def test_a_damaged_dump_is_not_restored_and_the_database_stays(station_db):
    _add_person(station_db, "欧阳建国", "440524194501010011")
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    damaged = info.path.with_name("damaged.pgdump")
    damaged.write_bytes(info.path.read_bytes()[:-2000])
    with pytest.raises(UserError) as caught:
        database_ops.restore_into(station_db, damaged)
    assert "损坏" in caught.value.message
    assert _people(station_db) == 1


def test_a_sqlite_backup_is_not_restored_onto_a_server(station_db, tmp_path):
    loose = tmp_path / "backup-441302001-20250101-080000-manual.sqlite3"
    loose.write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(UserError) as caught:
        database_ops.restore_into(station_db, loose)
    assert "迁移到服务器" in caught.value.message


def test_a_client_older_than_the_server_is_refused_naming_both(station_db, tmp_path, monkeypatch):
    old = tmp_path / "old-bin"
    old.mkdir()
    for name in server_backup.TOOLS:
        tool = old / name
        tool.write_text(f'#!/bin/sh\necho "{name} (PostgreSQL) 9.6.24"\n', encoding="utf-8")
        tool.chmod(0o755)
    monkeypatch.setattr(server_backup, "candidate_folders", lambda: [old])
    with pytest.raises(UserError) as caught:
        database_ops.backup_now(station_db, BackupKind.MANUAL)
    message = caught.value.message
    assert "pg_dump 9.6" in message and "比数据库服务器" in message and "PostgreSQL 1" in message
    assert not list(_folder(station_db).glob("backup-*"))  # nothing half written


def test_without_createdb_the_dump_is_read_whole_instead(station_db):
    server = pgcluster.cluster()
    name = station_db.server.database
    server.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'no_createdb') THEN "
                "CREATE ROLE no_createdb LOGIN NOCREATEDB; END IF; END $$")
    server.psql("GRANT pg_read_all_data TO no_createdb")
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    limited = pgcluster.target(name, station_db.server.shared_dir)
    limited = type(limited)("no_createdb", limited.host, limited.port, limited.database, limited.sslmode,
                            limited.shared_dir)
    assert server_backup.verify_file(limited, None, info.path, info) == backup.READABLE
    assert "CREATEDB" in backup.check_label(backup.READABLE)


# --- the command line, real processes --------------------------------------------------------------------


def _cli(env: dict, *args):
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def test_backup_verify_restore_on_a_server_url(station_db, tmp_path):
    server = station_db.server
    env = dict(os.environ, SHUANBAI_SHARED_DIR=str(server.shared_dir))
    env.pop("SHUANBAI_DB", None)
    url = pgcluster.cluster().url(server.database)
    kept = _add_person(station_db, "欧阳建国", "440524194501010011")
    station_db.close()
    password = tmp_path / "pw.txt"
    password.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    login = ("--user", "admin", "--password-file", password)

    done = _cli(env, "--db", url, "backup", *login)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "备份完成" in done.stdout and "完整性检查：ok" in done.stdout
    made = [b for b in backup.list_backups(server.shared_dir / "backups") if b.kind is BackupKind.MANUAL]
    assert len(made) == 1 and made[0].verified

    with station_db.session() as s:
        s.delete(s.get(Person, kept))
    station_db.close()
    done = _cli(env, "--db", url, "restore", made[0].path)  # the station has accounts: an administrator
    assert done.returncode == 2 and "--user" in done.stderr
    done = _cli(env, "--db", url, "restore", made[0].path, *login)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "恢复前的数据库已保留为" in done.stdout
    assert _people(station_db) == 1
    station_db.close()

    done = _cli(env, "--db", url, "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "操作日志校验链完整" in done.stdout
    with station_db.session() as s:
        events = s.scalars(select(AuditEntry.summary).where(AuditEntry.table_name == "backup")).all()
    assert any(e.startswith("从备份恢复") for e in events)


def test_restore_onto_an_empty_database_needs_no_log_in(station_db, tmp_path):
    """A new server after a loss: the database is empty, there is no one to log in."""
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    server = pgcluster.cluster()
    fresh = f"{station_db.server.database}_new"
    server.create_database(fresh)
    try:
        target = pgcluster.target(fresh, station_db.server.shared_dir)
        assert not server_backup.restore_needs_user(target)
        env = dict(os.environ, SHUANBAI_SHARED_DIR=str(target.shared_dir))
        done = _cli(env, "--db", server.url(fresh), "restore", info.path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "原来的数据库是空的" in done.stdout
        done = _cli(env, "--db", server.url(fresh), "verify")
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        server.drop_database(fresh)



def _downgrade(db, revision: str) -> None:
    from alembic import command

    from shuanbai_desktop.data.migrate import alembic_config
    cfg = alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def test_a_migration_on_the_server_comes_after_a_verified_dump_and_an_older_dump_restores(station_db):
    from shuanbai_desktop.data.migrate import head_revision, server_revision
    from shuanbai_desktop.services.opening import open_app_database
    _add_person(station_db, "欧阳建国", "440524194501010011")
    _downgrade(station_db, "0013_record_versions")
    target = station_db.server
    station_db.close()

    db = open_app_database(target)  # was refused before (NO_SERVER_BACKUP): now backed up, then migrated
    try:
        assert server_revision(db)[0] == head_revision()
        before = [b for b in backup.list_backups(paths.backups_dir(db.anchor)) if b.kind is BackupKind.PRE_MIGRATE]
        assert len(before) == 1 and before[0].verified and "0014_number_series" not in before[0].extra["alembic"]
        db.acting_for = station_db.acting_for
        # the older dump over the newer schema: nothing of the newer schema is left to break the migration
        new_db, _safety = database_ops.restore_into(db, before[0].path)
    finally:
        db.close()
    try:
        assert server_revision(new_db)[0] == head_revision()
        assert _people(new_db) == 1
        assert database_ops.verify(new_db).ok
    finally:
        new_db.close()
