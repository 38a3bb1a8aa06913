"""The command line: exit codes, Chinese messages, the same services as the GUI."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

PASSWORD = "Init2024pass"


def cli(*args, env_db=None):
    import os
    env = dict(os.environ)
    if env_db:
        env["SHUANBAI_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.fixture
def initialised(tmp_path):
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    result = cli("--db", db, "init", "--town", "441302001", "--name", "桥东街道社会工作服务站",
                 "--admin", "admin", "--password-file", pw)
    assert result.returncode == 0, result.stderr
    assert "广东省惠州市惠城区桥东街道" in result.stdout
    return db


def test_init_demo_backup_verify_restore(initialised, tmp_path):
    assert cli("--db", initialised, "demo", "--residents", "200").returncode == 0
    count = sqlite3.connect(initialised).execute("SELECT count(*) FROM person").fetchone()[0]
    assert count == 200
    usb = tmp_path / "usb"
    backed = cli("--db", initialised, "backup", "--to", usb)
    assert backed.returncode == 0 and "完整性检查：ok" in backed.stdout
    backup_file = next(usb.glob("backup-441302001-*.sqlite3"))
    conn = sqlite3.connect(initialised)
    conn.execute("DELETE FROM person WHERE id > 100")
    conn.commit()
    conn.close()
    restored = cli("restore", backup_file, env_db=initialised)
    assert restored.returncode == 0, restored.stderr
    assert sqlite3.connect(initialised).execute("SELECT count(*) FROM person").fetchone()[0] == 200
    verified = cli("--db", initialised, "verify")
    assert verified.returncode == 0 and "校验链完整" in verified.stdout


def test_verify_fails_on_a_tampered_trail(initialised):
    conn = sqlite3.connect(initialised)
    conn.execute("UPDATE audit_entry SET username='someone' WHERE id=1")
    conn.commit()
    conn.close()
    result = cli("--db", initialised, "verify")
    assert result.returncode == 1 and "第 1 条" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("init", "--town", "123456789", "--name", "站", "--admin", "a", "--password-file", "PW"), "不在广东省区划数据中"),
    (("init", "--town", "441302001"), "缺少必填参数"),
    (("demo", "--residents", "many"), "应为整数"),
    (("demo", "--residents", "100001"), "0 到 100000"),
    (("frobnicate",), "无效的命令"),
    (("restore", "missing.sqlite3"), "找不到备份文件"),
])
def test_bad_input_exits_2_with_a_chinese_message(tmp_path, args, message):
    pw = tmp_path / "PW"
    pw.write_text(PASSWORD, encoding="utf-8")
    args = [str(pw) if a == "PW" else a for a in args]
    if args[0] == "demo":
        cli("--db", tmp_path / "d.db", "init", "--town", "441302001", "--name", "站", "--admin", "a",
            "--password-file", pw)
    result = cli("--db", tmp_path / "d.db", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_demo_ids_are_valid_and_of_the_station_county(initialised):
    from shuanbai_desktop.domain.idcard import parse_id_number
    assert cli("--db", initialised, "demo", "--residents", "300").returncode == 0
    rows = sqlite3.connect(initialised).execute("SELECT id_number, sex, birth_date, village_code FROM person")
    for number, sex, birth, village in rows:
        info = parse_id_number(number)
        assert info.region_code == "441302" and info.sex == sex and info.birth_date.isoformat() == birth
        assert village.startswith("441302001")
