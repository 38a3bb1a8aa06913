"""An honest audit trail: keyed chain (key outside the database), head file, backups carry both.

The attacker edits the database file with a SQLite connection of their own (with the data key: the
encryption is not what guards the trail); everything the program does goes through its own paths, and
``verify`` is asked through the command line (exit code, Chinese).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from shuanbai_desktop.data import audit, audit_key
from shuanbai_desktop.data.models import Person
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.services import database_ops
from shuanbai_desktop.services.database_ops import open_app_database
from shuanbai_desktop.services.encryption import keyring_path
from tests.conftest import raw_connect

from .test_cli import cli
from .test_cli import initialised as initialised  # noqa: F401  (fixture)

ACTOR = audit.Actor(None, "测试")


def verify(db: Path):
    """``verify`` unlocks the encrypted database with the administrator's password."""
    return cli("--db", db, "verify", *as_admin(db))


def as_admin(db: Path) -> tuple[str, ...]:
    """The log-in of the command line (the ``initialised`` fixture's administrator and password file)."""
    return ("--user", "admin", "--password-file", str(db.parent / "pw.txt"))


def add_people(db_path: Path, *names: str) -> None:
    db = open_app_database(db_path)
    try:
        for name in names:  # one transaction each: one head-file write each
            with db.session(ACTOR) as s:
                s.add(Person(name=name))
    finally:
        db.close()


def rows(db_path: Path) -> list[tuple]:
    conn = raw_connect(db_path)
    try:
        return conn.execute("SELECT id, at, user_id, username, action, table_name, record_id, summary, changes,"
                            " prev_hash, hash FROM audit_entry ORDER BY id").fetchall()
    finally:
        conn.close()


def rewrite_with_the_published_formula(db_path: Path, entry_id: int, summary: str) -> None:
    """What an attacker with the old documentation does: change one entry, recompute every later
    hash with plain SHA-256 over (previous hash + entry)."""
    conn = raw_connect(db_path, "rw")
    prev = audit.GENESIS
    for row in rows(db_path):
        data = dict(zip(("id", "at", "user_id", "username", "action", "table_name", "record_id", "summary",
                         "changes", "prev_hash", "hash"), row, strict=True))
        if data["id"] < entry_id:
            prev = data["hash"]
            continue
        if data["id"] == entry_id:
            data["summary"] = summary
        data["at"] = datetime.fromisoformat(data["at"])
        new_hash = audit._entry_hash(prev, data)  # the plain formula
        conn.execute("UPDATE audit_entry SET summary=?, prev_hash=?, hash=? WHERE id=?",
                     (data["summary"], prev, new_hash, data["id"]))
        prev = new_hash
    conn.commit()
    conn.close()


def chain_of(db_path: Path) -> str:
    conn = raw_connect(db_path)
    try:
        return json.loads(conn.execute("SELECT value FROM setting WHERE key='audit.chain_id'").fetchone()[0])
    finally:
        conn.close()


def test_an_intact_trail_passes(initialised):  # noqa: F811
    add_people(initialised, "张三", "李四")
    result = verify(initialised)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "校验链完整" in result.stdout


def test_key_and_head_live_outside_the_database_owner_only(initialised):  # noqa: F811
    add_people(initialised, "张三")
    key_file = audit_key.key_path(chain_of(initialised))
    assert key_file.is_file() and key_file.parent.parent == Path(os.environ["XDG_CONFIG_HOME"]) / "shuanbai-desktop"
    key = json.loads(key_file.read_text(encoding="utf-8"))["key"]
    assert key.encode() not in initialised.read_bytes()
    head = audit_key.read_head(initialised)
    last = rows(initialised)[-1]
    assert (head.id, head.hash) == (last[0], last[10])
    if os.name == "posix":
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert audit_key.head_path(initialised).stat().st_mode & 0o777 == 0o600
        assert key_file.parent.stat().st_mode & 0o777 == 0o700


def test_rewriting_an_entry_and_recomputing_with_the_published_formula_is_detected(initialised):  # noqa: F811
    add_people(initialised, "张三", "李四")
    rewrite_with_the_published_formula(initialised, 3, "新增居民「王五」")
    result = verify(initialised)
    assert result.returncode == 1
    assert "操作日志第 3 条与前一条的校验链不符" in result.stdout


def test_deleting_the_newest_entries_is_detected_and_named(initialised):  # noqa: F811
    add_people(initialised, "张三", "李四", "王五")
    last = rows(initialised)[-1][0]
    conn = raw_connect(initialised, "rw")
    conn.execute("DELETE FROM audit_entry WHERE id > ?", (last - 2,))
    conn.commit()
    conn.close()
    result = verify(initialised)
    assert result.returncode == 1
    assert f"操作日志的最新 2 条记录缺失（第 {last - 1}–{last} 条）" in result.stdout


def test_removed_entries_stay_reported_after_the_program_writes_again(initialised):  # noqa: F811
    add_people(initialised, "张三", "李四", "王五")
    last = rows(initialised)[-1][0]
    conn = raw_connect(initialised, "rw")
    conn.execute("DELETE FROM audit_entry WHERE id > ?", (last - 2,))
    conn.commit()
    conn.close()
    add_people(initialised, "赵六", "钱七", "孙八")  # new entries take the removed numbers and go past them
    result = verify(initialised)
    assert result.returncode == 1
    assert f"第 {last - 1}–{last} 条记录曾被删除" in result.stdout


def test_a_late_head_write_from_another_thread_does_not_look_like_removed_entries(initialised):  # noqa: F811
    """A backup thread's commit and a screen's commit may write the head file in the other order."""
    add_people(initialised, "张三")
    earlier = audit_key.read_head(initialised)
    add_people(initialised, "李四")
    later = audit_key.read_head(initialised)
    key = audit_key.load_key(chain_of(initialised))
    audit_key.advance_head(initialised, key, False, earlier.id, earlier.id, earlier.hash,
                           lambda entry_id: audit._stored_hash(initialised, entry_id))
    assert audit_key.read_head(initialised) == later
    assert verify(initialised).returncode == 0


def test_removing_the_key_marker_and_rewriting_plain_is_detected(initialised):  # noqa: F811
    add_people(initialised, "张三")
    conn = raw_connect(initialised, "rw")
    conn.execute("DELETE FROM setting WHERE key='audit.chain_id'")
    conn.commit()
    conn.close()
    rewrite_with_the_published_formula(initialised, 1, "改过")
    result = verify(initialised)
    assert result.returncode == 1 and "对不上" in result.stdout
    add_people(initialised, "李四")  # the program keys the trail again: the head remembers the old one
    again = verify(initialised)
    assert again.returncode == 1 and "密钥标识不见了" in again.stdout


def test_a_missing_key_file_is_reported_as_unverifiable_not_broken(initialised):  # noqa: F811
    add_people(initialised, "张三")
    audit_key.key_path(chain_of(initialised)).unlink()
    result = verify(initialised)
    assert result.returncode == 1
    assert "无法校验：找不到操作日志密钥文件" in result.stdout and "校验链不符" not in result.stdout


def test_writing_without_the_key_file_goes_on_under_a_new_key_and_says_so(initialised, tmp_path):  # noqa: F811
    add_people(initialised, "张三")
    old_chain = chain_of(initialised)
    lost = tmp_path / "lost.key"
    shutil.move(audit_key.key_path(old_chain), lost)
    add_people(initialised, "李四")
    assert chain_of(initialised) != old_chain
    assert any("密钥文件缺失" in r[7] for r in rows(initialised))
    result = verify(initialised)
    assert result.returncode == 1 and "无法校验" in result.stdout
    shutil.move(lost, audit_key.key_path(old_chain))  # the old key found again: everything verifies
    assert verify(initialised).returncode == 0


def _make_plain(db_path: Path) -> None:
    """A database as the program wrote it before the key existed: plain chain, no chain id."""
    conn = raw_connect(db_path, "rw")
    chain = json.loads(conn.execute("SELECT value FROM setting WHERE key='audit.chain_id'").fetchone()[0])
    conn.execute("DELETE FROM setting WHERE key='audit.chain_id'")
    conn.commit()
    conn.close()
    audit_key.key_path(chain).unlink()
    audit_key.head_path(db_path).unlink()
    rewrite_with_the_published_formula(db_path, 1, rows(db_path)[0][7])


def test_an_old_database_upgrades_without_breaking_and_old_entries_are_then_protected(initialised):  # noqa: F811
    add_people(initialised, "张三")
    _make_plain(initialised)
    plain_last = rows(initialised)[-1][0]
    assert verify(initialised).returncode == 0  # an old database verifies with the plain formula
    add_people(initialised, "李四")
    key = audit_key.load_key(chain_of(initialised))
    assert key.keyed_from == plain_last + 1
    done = verify(initialised)
    assert done.returncode == 0 and "校验链完整" in done.stdout
    rewrite_with_the_published_formula(initialised, 2, "改过")  # an old (plain) entry rewritten
    result = verify(initialised)
    assert result.returncode == 1 and f"操作日志第 {plain_last + 1} 条" in result.stdout


def test_backups_carry_the_key_and_head_and_a_restore_installs_them(initialised, tmp_path):  # noqa: F811
    add_people(initialised, "张三")
    usb = tmp_path / "usb"
    backed = cli("--db", initialised, "backup", "--to", usb, *as_admin(initialised))
    assert backed.returncode == 0, backed.stderr
    backup_file = next(usb.glob("backup-*.sqlite3"))
    sidecar = audit_key.backup_key_path(backup_file)
    keys, head = audit_key.read_backup_keys(backup_file)
    assert [k.chain_id for k in keys] == [chain_of(initialised)] and head is not None
    if os.name == "posix":
        assert sidecar.stat().st_mode & 0o777 == 0o600
    add_people(initialised, "李四", "王五")  # newer than the backup: restoring rolls the head back
    audit_key.key_path(chain_of(initialised)).unlink()  # this computer lost its key
    restored = cli("--db", initialised, "restore", backup_file, *as_admin(initialised))
    assert restored.returncode == 0, restored.stderr
    assert audit_key.load_key(chain_of(initialised)) == keys[0]
    result = verify(initialised)
    assert result.returncode == 0, result.stdout


def test_a_copy_on_another_computer_verifies_when_the_key_file_goes_with_it(initialised, tmp_path,  # noqa: F811
                                                                           monkeypatch):
    add_people(initialised, "张三")
    key_file = audit_key.key_path(chain_of(initialised))
    other = tmp_path / "另一台电脑"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(other / "config"))
    copy = other / "数据 #1" / "s.db"
    copy.parent.mkdir(parents=True)
    shutil.copy2(initialised, copy)
    shutil.copy2(keyring_path(initialised), keyring_path(copy))  # the station's key file goes with it, always
    shutil.copy2(initialised.parent / "pw.txt", copy.parent / "pw.txt")  # and its administrator's password
    assert "找不到操作日志密钥文件" in verify(copy).stdout
    target = audit_key.key_path(chain_of(copy))
    target.parent.mkdir(parents=True)
    shutil.copy2(key_file, target)
    assert verify(copy).returncode == 0


def test_the_key_file_travels_with_its_backup_and_goes_when_it_goes(station_db, tmp_path):
    from shuanbai_desktop.services import backup
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, dest_dir=tmp_path / "b")
    assert audit_key.read_backup_keys(info.path)[1].id == database_ops.audit_head(station_db) - 1
    second = tmp_path / "第二备份位置"
    second.mkdir()
    copy = backup.copy_backup(info, second)
    assert audit_key.read_backup_keys(copy.path) == audit_key.read_backup_keys(info.path)
    info.path.unlink()
    backup.clean_folder(info.path.parent)
    assert not audit_key.backup_key_path(info.path).exists()


@pytest.mark.parametrize("bulk", ["delete", "update"])
def test_bulk_statements_on_audited_tables_are_refused_and_write_nothing(station_db, bulk):
    from sqlalchemy import delete, func, select, update

    from shuanbai_desktop.data.models import AuditEntry
    from shuanbai_desktop.data.models.person import PersonBenefit
    from shuanbai_desktop.services.permissions import as_system
    with station_db.session() as s:
        person = Person(name="张三")
        s.add(person)
        s.flush()
        s.add(PersonBenefit(person_id=person.id, kind="dibao"))
    with station_db.session() as s:
        entries = s.scalar(select(func.count(AuditEntry.id)))
    stmt = delete(PersonBenefit) if bulk == "delete" else update(PersonBenefit).values(kind="tekun")
    with pytest.raises(RuntimeError, match="person_benefit"), station_db.session() as s:
        s.execute(stmt)
    with station_db.session() as s:
        assert s.scalar(select(func.count(AuditEntry.id))) == entries
        assert s.scalar(select(PersonBenefit.kind)) == "dibao"
    with station_db.session() as s:  # the program's own work (demo data, set-up) may
        as_system(s)
        s.execute(stmt)
