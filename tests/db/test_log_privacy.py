"""Issue 12: no ID number or phone in the log file whatever the error, and the log is the owner's only.

Errors are provoked through the command line (a real process, its own logging set-up): a database
error while saving residents (the statement's parameters carry their ID numbers and phones), and an
exception whose message and traceback carry an ID number and a phone.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import textwrap

import pytest

from shuanbai_desktop import paths
from tests.conftest import raw_connect, unlock

PASSWORD = "Init2024pass"
ID_NUMBER = "440524188001010014"
OLD_ID = "440524800101001"
MOBILE = "13912345678"
LANDLINE = "0752-2808727"
PERSONAL = re.compile(r"(?<!\d)\d{15,18}[\dXx]?(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)|0752-?2808727")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=dict(os.environ),
                          timeout=180)


def _cli(*args) -> subprocess.CompletedProcess:
    return _run("-m", "shuanbai_desktop", *map(str, args))


@pytest.fixture
def initialised(tmp_path):
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    recovery = tmp_path / "recovery.txt"
    result = _cli("--db", db, "init", "--town", "441302001", "--name", "桥东街道社会工作服务站",
                  "--admin", "admin", "--password-file", pw, "--recovery-file", recovery)
    assert result.returncode == 0, result.stderr
    code = recovery.read_text(encoding="utf-8").strip()
    assert code and code not in result.stdout and code not in _log_text()  # the recovery code: its file only
    unlock(db, "admin", PASSWORD)
    return db


def _log_text() -> str:
    folder = paths.log_dir()
    return "\n".join(f.read_text(encoding="utf-8") for f in sorted(folder.glob("shuanbai.log*")))


def test_a_database_error_while_saving_residents_leaves_no_id_or_phone_in_the_log(initialised):
    conn = raw_connect(initialised, "rw")  # the fault: every insert of a resident fails
    conn.execute("CREATE TRIGGER refuse_person BEFORE INSERT ON person "
                 "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END")
    conn.commit()
    conn.close()
    result = _cli("--db", initialised, "demo", "--residents", "50", "--user", "admin",
                  "--password-file", initialised.parent / "pw.txt")
    assert result.returncode == 1 and "意外错误" in result.stderr
    log = _log_text()
    assert "IntegrityError" in log and "simulated failure" in log  # the error is there, for support
    assert PERSONAL.findall(log) == []
    assert not PERSONAL.search(result.stderr)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_log_file_and_folder_are_the_owners_only(initialised):
    folder = paths.log_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "shuanbai.log").stat().st_mode) == 0o600


def test_an_exception_carrying_personal_data_is_masked_in_message_and_traceback(initialised):
    """The CLI's own "unexpected error" path logs the traceback: the exception text is masked too."""
    script = textwrap.dedent(f"""
        import sys
        from shuanbai_desktop import demo
        def broken(db, residents):
            person = {{"id_number": "{ID_NUMBER}", "old": "{OLD_ID}", "phone": "{MOBILE}", "tel": "{LANDLINE}"}}
            raise ValueError(f"could not save {{person}}")
        demo.generate_demo = broken
        from shuanbai_desktop.__main__ import main
        sys.argv = ["shuanbai-desktop", "--db", r"{initialised}", "demo", "--user", "admin",
                    "--password-file", r"{initialised.parent / 'pw.txt'}"]
        sys.exit(main())
    """)
    result = _run("-c", script)
    assert result.returncode == 1, result.stderr
    log = _log_text()
    assert "ValueError: could not save" in log and "Traceback" in log
    for value in (ID_NUMBER, OLD_ID, MOBILE, LANDLINE, "2808727"):
        assert value not in log
    assert "440524********0014" in log and "139****5678" in log and "0752-****727" in log
