"""Shared fixtures. Qt runs offscreen; every test gets its own database built by the migrations.

``--clock-ahead=DAYS`` runs every test (set-up and tear-down included) with the wall clock moved
DAYS days ahead (time-machine, ticking): the suite must not depend on the real date.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ADMIN_PASSWORD = "Zhan2024abc"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--clock-ahead", type=int, default=0, metavar="DAYS",
                     help="run every test with the wall clock moved DAYS days ahead (default 0: the real clock)")


def pytest_report_header(config: pytest.Config) -> str | None:
    days = config.getoption("--clock-ahead")
    return f"clock moved {days} days ahead" if days else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """With ``--clock-ahead``, the whole test (fixtures included) runs on the moved clock."""
    days = item.config.getoption("--clock-ahead")
    if not days:
        yield
        return
    import time

    import time_machine
    with time_machine.travel(time.time() + days * 86400, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _isolated_config_folder(tmp_path_factory):
    """The audit trail's keys and head files (paths.config_dir) go to one temp folder for the whole run,
    set before any fixture builds a database: a template database built once per module and copied
    into each test still finds its key (keys are named by a random id, head files by the path)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        yield


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """Never touch the real user data folder: platformdirs is pointed at a temp home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("SHUANBAI_DB", raising=False)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "station.db"


@pytest.fixture
def empty_db(db_path):
    from shuanbai_desktop.services.database_ops import open_app_database
    db = open_app_database(db_path)
    yield db
    db.close()


@pytest.fixture
def station_db(empty_db):
    """A station in 惠州市惠城区桥东街道 (441302001, 13 communities) with an administrator."""
    from shuanbai_desktop.services import station
    with empty_db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "惠州市惠城区桥东路1号", "0752-2808727",
                              "admin", "李副站长", ADMIN_PASSWORD)
    from sqlalchemy import select

    from shuanbai_desktop.data import audit
    from shuanbai_desktop.data.models import User
    with empty_db.session() as s:
        admin_id = s.scalar(select(User.id).where(User.username == "admin"))
    empty_db.acting_for = audit.Actor(admin_id, "admin")  # sessions without an actor act as the admin
    return empty_db


@pytest.fixture
def admin(station_db):
    from shuanbai_desktop.services import auth
    return auth.log_in(station_db, "admin", ADMIN_PASSWORD)
