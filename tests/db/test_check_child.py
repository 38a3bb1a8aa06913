"""The command line's integrity check in a forked child process (issue 16, data/integrity_child.py): the
check runs in another process, a damaged file is refused as before, a child killed mid-check is a failed
check (nothing written), and the command leaves no child behind (neither running nor a zombie).

Each test runs the real command line (``cli.run``) in a process of its own, through a small wrapper that
(1) wraps the one check function (``migrate.integrity_verdict``) to say in which process it runs and,
when asked, to hold the check there; (2) after ``run`` returns, asks the kernel whether the process still
has any child: ``os.waitpid(-1, WNOHANG)`` raises ``ChildProcessError`` only when it has none at all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.db.test_startup_deferral import DAMAGED, UNREADABLE, _damage_an_index, _env

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child check: POSIX; /proc: Linux")

ROOT = Path(__file__).resolve().parents[2]
DIED = "检查进程意外结束"  # integrity_child.CHECK_DIED

WRAPPER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from shuanbai_desktop import cli
    from shuanbai_desktop.data import migrate

    MAIN = os.getpid()
    real = migrate.integrity_verdict

    def traced(conn):
        where = "child" if os.getpid() != MAIN else "main"
        print("CHECK-IN", where, os.getpid(), os.getppid(), flush=True)
        if os.environ.get("HOLD_CHECK"):  # the check is under way and stays so
            Path(os.environ["HOLD_CHECK"]).write_text(str(os.getpid()))
            time.sleep(300)
        return real(conn)
    migrate.integrity_verdict = traced

    if os.environ.get("FAIL_EARLY"):  # the command stops on an unexpected error while the check runs
        def failing(db, command):
            while not Path(os.environ["HOLD_CHECK"]).exists():
                time.sleep(0.01)
            raise RuntimeError("stopped early")
        cli._load_while_checking = failing

    # The month the command accepts on this process's clock (the test's may be moved: --clock-ahead).
    from datetime import date
    today = date.today()
    last_month = f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"
    code = cli.run([last_month if a == "LAST_MONTH" else a for a in sys.argv[1:]])
    try:
        found = os.waitpid(-1, os.WNOHANG)
        print("CHILDREN-LEFT", found, flush=True)  # (0, 0): one still running; else a zombie just reaped
    except ChildProcessError:
        print("NO-CHILDREN", flush=True)
    sys.exit(code)
""")


def _report_args(db_path: Path, tmp_path: Path) -> tuple[list[str], Path]:
    password = tmp_path / "pw.txt"
    password.write_text(ADMIN_PASSWORD, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return [sys.executable, "-c", WRAPPER, "--db", str(db_path), "report", "--month", "LAST_MONTH",
            "--out", str(out), "--user", "admin", "--password-file", str(password)], out


def _check_pids(stdout: str) -> list[tuple[str, int, int]]:
    found = []
    for line in stdout.splitlines():
        if line.startswith("CHECK-IN "):
            _, where, pid, parent = line.split()
            found.append((where, int(pid), int(parent)))
    return found


def test_report_checks_in_a_child_process_and_leaves_none(station_db, db_path, tmp_path):
    """The child path is taken: the check runs in another process whose parent is the command's."""
    station_db.close()
    cmd, out = _report_args(db_path, tmp_path)
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    checks = _check_pids(done.stdout)
    assert len(checks) == 1 and checks[0][0] == "child", done.stdout
    assert checks[0][2] != checks[0][1]  # its parent: the command's process
    assert "NO-CHILDREN" in done.stdout, done.stdout
    assert len(list(out.iterdir())) == 1  # the package


@pytest.mark.parametrize(("how", "refusal"), [("tree", DAMAGED), ("page", UNREADABLE)])
def test_report_on_a_damaged_file_is_refused_through_the_child(station_db, db_path, tmp_path, how, refusal):
    station_db.close()
    left = _damage_an_index(db_path, how)
    cmd, out = _report_args(db_path, tmp_path)
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=120, cwd=ROOT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert [c[0] for c in _check_pids(done.stdout)] == ["child"], done.stdout
    assert refusal in done.stderr and "Traceback" not in done.stderr
    assert "NO-CHILDREN" in done.stdout, done.stdout
    assert list(out.iterdir()) == []
    assert db_path.read_bytes() == left
    assert not Path(f"{db_path}-journal").exists()


def _wait_for(marker: Path, process: subprocess.Popen) -> int:
    """The pid of the child once its check is under way (the wrapper writes it to ``marker``)."""
    deadline = time.monotonic() + 120
    while not marker.exists() or not marker.read_text():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the check never started"
        time.sleep(0.02)
    return int(marker.read_text())


def test_a_child_killed_mid_check_is_a_failed_check_and_nothing_is_written(station_db, db_path, tmp_path):
    """SIGKILL (the OOM killer, a user's kill) to the checking child: never taken as passed. The command
    is refused with exit 2, no package, the file byte for byte as it was, no journal, no child left."""
    station_db.close()
    left = db_path.read_bytes()
    cmd, out = _report_args(db_path, tmp_path)
    marker = tmp_path / "checking"
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                          env=dict(_env(), HOLD_CHECK=str(marker))) as process:
        try:
            child = _wait_for(marker, process)
            assert child != process.pid  # the check is not the command's own process
            os.kill(child, signal.SIGKILL)
            stdout, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 2, stdout + stderr
    assert DIED in stderr and "Traceback" not in stderr, stderr
    assert "NO-CHILDREN" in stdout, stdout
    assert list(out.iterdir()) == []
    assert db_path.read_bytes() == left
    assert not Path(f"{db_path}-journal").exists()


def test_a_command_that_stops_early_kills_and_reaps_the_child(station_db, db_path, tmp_path):
    """An error in the command while the check still runs: closing the handle kills the child and reaps
    it (no zombie while the command ends, no orphan reading on)."""
    station_db.close()
    cmd, _ = _report_args(db_path, tmp_path)
    marker = tmp_path / "checking"
    env = dict(_env(), HOLD_CHECK=str(marker), FAIL_EARLY="1")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert done.returncode == 1, done.stdout + done.stderr  # an unexpected error: logged, exit 1
    assert marker.exists()  # the child's check was under way when the command stopped
    child = int(marker.read_text())
    assert [c[:2] for c in _check_pids(done.stdout)] == [("child", child)], done.stdout
    assert "NO-CHILDREN" in done.stdout, done.stdout
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # gone, not left running
