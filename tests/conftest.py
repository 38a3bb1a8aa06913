"""Shared fixtures. Qt runs offscreen; every test gets its own database built by the migrations."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ADMIN_PASSWORD = "Zhan2024abc"


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
    return empty_db


@pytest.fixture
def admin(station_db):
    from shuanbai_desktop.services import auth
    return auth.log_in(station_db, "admin", ADMIN_PASSWORD)
