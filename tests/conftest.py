"""Shared fixtures. Qt runs offscreen; every test gets its own database file.

The migrations run once per session into a template (and the station is set up once in a second
one); each test gets a copy of the template at its own path, with its own audit chain id, key file
and head file, as if it had been built in the test (see ``copy_template``). ``fresh_db`` builds one
by the migrations in the test itself, for tests of the creation.

``--clock-ahead=DAYS`` runs every test (set-up and tear-down included) with the wall clock moved
DAYS days ahead (time-machine, ticking): the suite must not depend on the real date.

The suite runs in worker processes, one per core (pytest-xdist: ``-n auto --dist worksteal`` in
pyproject's addopts; ``-n 0`` runs it in this process). What keeps the tests of two workers apart:
``tmp_path_factory`` gives each worker a base folder of its own, so the session's templates, the config
folder (audit keys and head files, ``XDG_CONFIG_HOME``), the homes and every ``tmp_path`` are per worker;
the session fixtures run once per worker; ``--clock-ahead`` reaches the workers with the command line
(tests/db/test_clock_ahead.py checks it), and the clock hook runs there. Screenshots from every worker go
to the one folder of tests/shots.py under the test's own name; the run's summary (below) runs in the
controlling process only. Tests that start and kill processes (tests/db/test_crash.py) kill only the ones
they started, disk-full tests mount their own tmpfs under their ``tmp_path``, and no test binds a port or
asserts a time, so no test needs a worker to itself (no ``xdist_group``).
"""

from __future__ import annotations

import os
import tempfile

if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    # Qt's offscreen screen is 800×800 unless told: the tests' screen is the station's usual 1366×768 PC
    # (the main window opens maximised there, ui/main_window.first_placement), as in ui/screenshots.py.
    _SCREEN = os.path.join(tempfile.gettempdir(), "shuanbai-test-screen-1366x768.json")
    with open(f"{_SCREEN}.{os.getpid()}", "w", encoding="utf-8") as _file:  # renamed: workers read it whole
        _file.write('{"screens": [{"name": "station", "x": 0, "y": 0, "width": 1366, "height": 768, '
                    '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}')
    os.replace(f"{_SCREEN}.{os.getpid()}", _SCREEN)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

import json  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ADMIN_PASSWORD = "Zhan2024abc"
# The recovery code of every database the templates make (they are encrypted, as the app's are).
TEST_RECOVERY_CODE = "TESTC-0DE00-00000-00000-00000-00000-00000-00001"
_STARTED = pytest.StashKey[float]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--clock-ahead", type=int, default=0, metavar="DAYS",
                     help="run every test with the wall clock moved DAYS days ahead (default 0: the real clock)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test about SQLite itself, in a module whose tests run on "
                                       "both backends (BACKENDS = BOTH): it runs on SQLite only")
    config.addinivalue_line("markers", "server_only: a test about the PostgreSQL server in a module whose tests "
                                       "run on both backends: it runs on PostgreSQL only")


def pytest_report_header(config: pytest.Config) -> str | None:
    days = config.getoption("--clock-ahead")
    return f"clock moved {days} days ahead" if days else None


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_STARTED] = time.time()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Name the folder when this run saved pictures for a person to look at (tests/shots.py)."""
    from tests import shots
    started = config.stash.get(_STARTED, None)
    folder = shots.folder()
    if started is not None and any(p.stat().st_mtime >= started for p in folder.iterdir()):
        terminalreporter.write_line(f"screenshots: {folder}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """With ``--clock-ahead``, the whole test (fixtures included) runs on the moved clock."""
    days = item.config.getoption("--clock-ahead")
    if not days:
        yield
        return
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
    # No folder shared by the PC's accounts (a test machine may have /var/lib/shuanbai-desktop)
    monkeypatch.setenv("SHUANBAI_MACHINE_DIR", str(home / "no-machine-folder"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "station.db"


def _setup_station(db) -> None:
    """桥东街道 (441302001, 13 communities) with the administrator ``admin``."""
    from shuanbai_desktop.services import station
    with db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "惠州市惠城区桥东路1号", "0752-2808727",
                              "admin", "李副站长", ADMIN_PASSWORD)


def unlock(path: Path, username: str = "admin", password: str = ADMIN_PASSWORD):
    """The data key of the encrypted database at ``path``, remembered for it in this process (as the
    log-in does): the key already known for it, else from ``username``'s slot, else the test recovery
    code. What a test uses before reading a database file itself (``raw_connect``)."""
    from shuanbai_desktop.data import engine, keyring
    key = engine.key_for(path)
    if key is not None or engine.is_plain_file(path):
        return key
    ring = keyring.KeyRing.load(keyring.keyring_path(path))
    key = ring.unlock_user(username, password) or ring.unlock_recovery(TEST_RECOVERY_CODE)
    assert key is not None, f"cannot unlock {path.name} with {username}'s password"
    engine.use_key(path, key, ring.file_id)
    return key


def raw_connect(path: Path, mode: str = "ro", **kwargs):
    """A connection to a database file outside the program's sessions (what a test inspects), keyed
    with its data key: ``data.engine.connect`` after ``unlock``."""
    from shuanbai_desktop.data import engine
    unlock(Path(path))
    return engine.connect(Path(path), mode, **kwargs)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory, _isolated_config_folder) -> Path:
    """A database built by the migrations, once per session (closed: a single file and its key file).
    Encrypted with a data key of its own, whose key file holds the recovery slot only (no account yet)."""
    from datetime import datetime

    from shuanbai_desktop.data import engine, keyring
    from shuanbai_desktop.services.database_ops import open_app_database
    path = tmp_path_factory.mktemp("template-empty") / "station.db"
    key = keyring.DataKey.new()
    ring = keyring.KeyRing.create("桥东街道社会工作服务站", datetime(2024, 1, 2, 9, 0))
    ring.set_recovery(TEST_RECOVERY_CODE, key)
    ring.save(keyring.keyring_path(path))
    engine.use_key(path, key, ring.file_id)
    open_app_database(path).close()
    return path


@pytest.fixture(scope="session")
def _station_template(tmp_path_factory, empty_template) -> Path:
    """The empty template with the station set up, once per session."""
    from shuanbai_desktop.services.database_ops import open_app_database
    path = tmp_path_factory.mktemp("template-station") / "station.db"
    copy_template(empty_template, path)
    db = open_app_database(path)
    try:
        _setup_station(db)
    finally:
        db.close()
    _add_slot(path, "admin", ADMIN_PASSWORD)
    return path


def _add_slot(path: Path, username: str, password: str) -> None:
    """``username``'s slot in the key file (what the set-up writes for its administrator)."""
    from shuanbai_desktop.data import keyring
    ring = keyring.KeyRing.load(keyring.keyring_path(path))
    ring.set_user(username, password, unlock(path))
    ring.save(keyring.keyring_path(path))


@pytest.fixture(scope="session")
def station_template(_station_template) -> Path:
    """The file ``station_db`` copies. A test module with more set-up data for every test overrides it
    (once per module rather than once per test)::

        @pytest.fixture(scope="module")
        def station_template(station_template, tmp_path_factory):
            return build_template(tmp_path_factory, station_template, add_my_data)
    """
    return _station_template


def build_template(tmp_path_factory, base: Path, build) -> Path:
    """A copy of the template ``base`` with ``build(db)`` run on it (sessions act as its administrator,
    when it has one)."""
    from shuanbai_desktop.services.database_ops import open_app_database
    path = tmp_path_factory.mktemp("template") / "station.db"
    copy_template(base, path)
    db = open_app_database(path)
    try:
        db.acting_for = _admin_actor(db)
        build(db)
    finally:
        db.close()
    return path


def copy_template(template: Path, target: Path) -> None:
    """Copy a closed template database to ``target`` as if it had been built there.

    The audit trail gets a chain id of its own (a key file with the template's key under a new id:
    the chain id is not part of the hashes), so a test that loses or moves its key file touches no
    other test; the head file for the new path names the newest entry, as after a build in place.
    """
    from shuanbai_desktop.data import audit, audit_key, keyring
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template, target)
    if keyring.keyring_path(template).exists():
        shutil.copy2(keyring.keyring_path(template), keyring.keyring_path(target))
    conn = raw_connect(target, "rw")
    try:
        raw = conn.execute("SELECT value FROM setting WHERE key = ?", (audit_key.CHAIN_SETTING,)).fetchone()
        if raw is not None:
            key = audit_key.load_key(json.loads(raw[0]))
            assert key is not None, "the template's audit key file is missing"
            own = audit_key.ChainKey(secrets.token_hex(16), key.key, key.keyed_from, key.previous)
            audit_key.save_key(own)
            conn.execute("UPDATE setting SET value = ? WHERE key = ?",
                         (json.dumps(own.chain_id), audit_key.CHAIN_SETTING))
            conn.commit()
    finally:
        conn.close()
    audit.reset_head(target)


def _admin_actor(db):
    """The actor of the user ``admin``; None when the database has none (yet)."""
    from sqlalchemy import select

    from shuanbai_desktop.data import audit
    from shuanbai_desktop.data.models import User
    with db.session() as s:
        admin_id = s.scalar(select(User.id).where(User.username == "admin"))
    return audit.Actor(admin_id, "admin") if admin_id is not None else None


# --- the backend: SQLite (every database test) and PostgreSQL (modules that ask) --------------------

BOTH = ("sqlite", "postgresql")  # a module with ``BACKENDS = BOTH`` runs its database tests on both


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend`` is "sqlite" unless the test's module names more (``BACKENDS = BOTH``): then every test
    that uses a database fixture runs once per backend, its id ending in ``[sqlite]`` / ``[postgresql]``."""
    if "backend" not in metafunc.fixturenames:
        return
    backends = tuple(getattr(metafunc.module, "BACKENDS", ("sqlite",)))
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    if metafunc.definition.get_closest_marker("server_only") is not None:
        backends = ("postgresql",)
    if backends != ("sqlite",):
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture(scope="module")
def backend(request) -> str:
    """"sqlite" or "postgresql"; module-scoped, so that a module's own templates can follow it."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """This worker's throwaway PostgreSQL cluster (tests/pgcluster.py), stopped at the end of the run; the
    test fails with what to install when PostgreSQL's binaries are missing."""
    from tests import pgcluster
    try:
        server = pgcluster.cluster()
    except pgcluster.ClusterUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    pgcluster.stop_cluster()


@pytest.fixture(scope="session")
def pg_empty_template(pg_server, tmp_path_factory, _isolated_config_folder) -> tuple[str, Path]:
    """A server database built by the migrations, once per worker: (its name, its shared folder)."""
    from shuanbai_desktop.data.migrate import open_server_database
    from tests import pgcluster
    shared = tmp_path_factory.mktemp("pg-shared-empty")
    pg_server.create_database("tpl_empty")
    open_server_database(pgcluster.target("tpl_empty", shared)).close()
    return "tpl_empty", shared


@pytest.fixture(scope="session")
def pg_station_template(pg_empty_template, tmp_path_factory) -> tuple[str, Path]:
    """The server template with the station set up (``_setup_station``), once per worker."""
    from shuanbai_desktop.data.migrate import open_server_database
    from tests import pgcluster
    shared = tmp_path_factory.mktemp("pg-shared-station")
    made = pgcluster.copy_station(*pg_empty_template, "tpl_station", shared)
    db = open_server_database(made)
    try:
        _setup_station(db)
    finally:
        db.close()
    return "tpl_station", shared


_PG_COUNT = iter(range(1, 10**9))


def _server_db(request, tmp_path: Path, station: bool):
    """A fresh server database for one test (a copy of a template), dropped after it."""
    from shuanbai_desktop.data.migrate import open_server_database
    from tests import pgcluster
    template = request.getfixturevalue("pg_station_template" if station else "pg_empty_template")
    name = f"t_{os.getpid()}_{next(_PG_COUNT)}"
    made = pgcluster.copy_station(*template, name, tmp_path / "shared")
    request.addfinalizer(lambda: pgcluster.cluster().drop_database(name))
    return open_server_database(made)


def build_server_template(tmp_path_factory, base: tuple[str, Path], build) -> tuple[str, Path]:
    """``build_template`` on the server: a copy of the server template ``base`` (name, shared folder) with
    ``build(db)`` run on it, as its administrator when it has one; (its name, its shared folder)."""
    from shuanbai_desktop.data.migrate import open_server_database
    from tests import pgcluster
    name = f"tpl_{os.getpid()}_{next(_PG_COUNT)}"
    shared = tmp_path_factory.mktemp("pg-shared-template")
    db = open_server_database(pgcluster.copy_station(*base, name, shared))
    try:
        db.acting_for = _admin_actor(db)
        build(db)
    finally:
        db.close()
    return name, shared


def open_copy(request, template: Path | tuple[str, Path], tmp_path: Path):
    """An open copy of a template for one test: a file (``copy_template``) or a server database (a
    ``(name, shared folder)`` template; dropped after the test)."""
    from shuanbai_desktop.data.migrate import open_server_database
    from shuanbai_desktop.services.database_ops import open_app_database
    from tests import pgcluster
    if isinstance(template, Path):
        path = tmp_path / "station.db"
        copy_template(template, path)
        return open_app_database(path)
    name = f"t_{os.getpid()}_{next(_PG_COUNT)}"
    made = pgcluster.copy_station(*template, name, tmp_path / "shared")
    request.addfinalizer(lambda: pgcluster.cluster().drop_database(name))
    return open_server_database(made)


@pytest.fixture
def fresh_db(db_path):
    """A database built by the migrations in this test (not copied): for tests of the build itself."""
    from shuanbai_desktop.services.database_ops import open_app_database
    db = open_app_database(db_path)
    yield db
    db.close()


@pytest.fixture
def empty_db(request, backend, db_path, empty_template, station_template):
    """A database at head with nothing in it (a copy of the session's template).

    When the test also uses ``station_db``, this is the same database with the station set up (as
    when ``station_db`` was built on top of this fixture). Both templates are in every database test's
    fixtures so that they are built before any function-scoped fixture (a test's own clock) runs."""
    from shuanbai_desktop.services.database_ops import open_app_database
    if backend == "postgresql":
        db = _server_db(request, db_path.parent, "station_db" in request.fixturenames)
        yield db
        db.close()
        return
    if "station_db" in request.fixturenames:
        copy_template(station_template, db_path)
    else:
        copy_template(empty_template, db_path)
    db = open_app_database(db_path)
    yield db
    db.close()


@pytest.fixture
def station_db(empty_db):
    """A station in 惠州市惠城区桥东街道 (441302001, 13 communities) with an administrator."""
    empty_db.acting_for = _admin_actor(empty_db)  # sessions without an actor act as the admin
    return empty_db


@pytest.fixture
def admin(station_db):
    from shuanbai_desktop.services import auth
    return auth.log_in(station_db, "admin", ADMIN_PASSWORD)
