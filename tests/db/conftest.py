"""Fixtures of the database tests that are made once per run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def temporary_home(tmp_path_factory, name: str) -> Iterator[Path]:
    """A home folder of its own for set-up that runs before the test's own (a fixture of module or session
    scope starts before ``_isolated_user_folders``): the app's logs and data never reach the real home."""
    home = tmp_path_factory.mktemp(name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_STATE_HOME", str(home / "state"))
        patch.delenv("SHUANBAI_DB", raising=False)
        yield home


@pytest.fixture(scope="session")
def cli_station_template(tmp_path_factory, _isolated_config_folder) -> Path:
    """A station made by ``shuanbai-desktop init`` in its own process, once per run (``initialised``
    in tests/db/test_cli.py copies it for each test). Its administrator is ``admin`` with
    ``test_cli.PASSWORD``; its recovery code is in ``recovery.txt`` beside it, and its data key is known in
    this process (``unlock``), for the copies too. The command runs with a temporary home, as every test does."""
    from tests.conftest import unlock

    from .test_cli import PASSWORD, cli
    folder = tmp_path_factory.mktemp("cli-template")
    password_file = folder / "pw.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    db = folder / "s.db"
    with temporary_home(tmp_path_factory, "cli-template-home"):
        result = cli("--db", db, "init", "--town", "441302001", "--name", "桥东街道社会工作服务站",
                     "--admin", "admin", "--password-file", password_file,
                     "--recovery-file", folder / "recovery.txt")
    assert result.returncode == 0, result.stderr
    assert "广东省惠州市惠城区桥东街道" in result.stdout
    unlock(db, "admin", PASSWORD)  # its key is known in this process, for its copies too (same key file id)
    return db
