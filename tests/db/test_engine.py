"""Every connection's PRAGMAs, real transactions, one writer per database."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select, text

from shuanbai_desktop.data.lock import InstanceLock
from shuanbai_desktop.data.models import Setting
from shuanbai_desktop.errors import DatabaseRefused


def test_pragmas_on_every_connection(empty_db):
    with empty_db.engine.connect() as conn:
        values = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout", "secure_delete")}
    assert values == {"foreign_keys": 1, "journal_mode": "delete", "synchronous": 2, "busy_timeout": 10000,
                      "secure_delete": 1}


def test_ddl_and_rows_roll_back_together(empty_db):
    with pytest.raises(RuntimeError), empty_db.session() as s:
        s.execute(text("CREATE TABLE scratch (x)"))
        s.add(Setting(key="k", value="1"))
        s.flush()
        raise RuntimeError("abort")
    with empty_db.session() as s:
        assert s.get(Setting, "k") is None
        assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name='scratch'")).scalar() == 0


def test_foreign_keys_are_enforced(empty_db):
    from sqlalchemy.exc import IntegrityError

    from shuanbai_desktop.data.models import ServicePoint, ServicePointVillage
    with pytest.raises(IntegrityError), empty_db.session() as s:
        point = ServicePoint(name="点", facility_type="other")
        point.villages.append(ServicePointVillage(village_code="999999999999"))
        s.add(point)
        s.flush()


def test_second_instance_is_refused(db_path, empty_db):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from shuanbai_desktop.data.lock import InstanceLock
        lock = InstanceLock(Path({str(db_path)!r})).acquire()
        print("locked", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseRefused, match="另一个"):
            InstanceLock(db_path).acquire()
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    lock = InstanceLock(db_path).acquire()
    assert lock.held
    lock.release()


def test_session_commits_only_when_block_ends(empty_db):
    with empty_db.session() as s:
        s.add(Setting(key="a", value="1"))
    with empty_db.session() as s:
        assert s.scalar(select(Setting.value).where(Setting.key == "a")) == "1"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_database_and_backups_readable_by_this_user_only(station_db, admin):
    from shuanbai_desktop.domain.labels import BackupKind
    from shuanbai_desktop.services import database_ops
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert stat.S_IMODE(station_db.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700


def test_a_failed_statement_carries_no_personal_data_into_the_log(empty_db, caplog):
    """An unexpected error is logged with its text: the statement's values (names, phones) stay out."""
    import logging

    from sqlalchemy.exc import IntegrityError

    from shuanbai_desktop.data.models import Person
    with empty_db.session() as s:
        s.add(Person(name="甲", id_number="441302199001011234"))
    with pytest.raises(IntegrityError) as caught, empty_db.session() as s:
        s.add(Person(name="欧阳秀珍", phone="13812345678", id_number="441302199001011234"))
    with caplog.at_level(logging.ERROR):
        logging.getLogger("test").error("command failed", exc_info=caught.value)
    for said in (str(caught.value), caplog.text):
        assert "UNIQUE constraint failed" in said
        assert "欧阳秀珍" not in said and "13812345678" not in said and "1990010112" not in said
