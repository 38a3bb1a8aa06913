"""`init --password-file`: a file saved by Windows Notepad (byte-order mark, CR LF) gives the password
as typed (to the account and to its key slot); a weak password is refused in Chinese, and nothing is set up."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from datetime import datetime

from shuanbai_desktop.services import auth, encryption

PASSWORD = "Init2024pass"


def _init(db, password_file) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(db), "init", "--town", "441302001",
                           "--name", "桥东街道社会工作服务站", "--admin", "admin", "--password-file", str(password_file),
                           "--recovery-file", str(db.parent / "recovery.txt")],
                          capture_output=True, text=True, env=dict(os.environ), timeout=120)


def test_notepad_utf8_bom_and_crlf_are_not_part_of_the_password(tmp_path):
    pw = tmp_path / "密码.txt"
    pw.write_bytes(codecs.BOM_UTF8 + PASSWORD.encode() + b"\r\n")
    db_path = tmp_path / "s.db"
    result = _init(db_path, pw)
    assert result.returncode == 0, result.stderr
    db = encryption.open_with_password(db_path, "admin", PASSWORD, datetime(2024, 6, 3, 9, 0))  # the key slot
    try:
        assert auth.log_in(db, "admin", PASSWORD).username == "admin"
    finally:
        db.close()


def test_a_weak_password_in_the_file_is_refused(tmp_path):
    pw = tmp_path / "pw.txt"
    pw.write_text("password1\n", encoding="utf-8")
    result = _init(tmp_path / "s.db", pw)
    assert result.returncode == 2
    assert "密码太容易被猜到" in result.stderr and "Traceback" not in result.stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock")  # the instance lock file stays
    assert left == ["pw.txt"]  # no database, key file or recovery code
