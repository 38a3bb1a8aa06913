"""A throwaway PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary folder,
loopback and a unix socket in that folder only, stopped at the end of the run.

* Binaries: ``pg_config --bindir``, else the newest ``/usr/lib/postgresql/*/bin``. Missing: ``find_bindir``
  raises ``ClusterUnavailable`` with what to install (the PostgreSQL tests then fail with that message).
* Root: PostgreSQL refuses to run as root, so as root the cluster is made and run as the ``postgres``
  account (or ``nobody``), in a folder under the system temp folder that account owns (a pytest
  ``tmp_path`` of root is 0700 and out of its reach). As any other user it simply runs as that user.
* Port: a free loopback port, and the unix socket in the cluster's folder.
* Stopped: ``stop()`` (the session fixture's finaliser), ``atexit``, and a watchdog process that stops
  it when this process dies without either (a killed pytest worker): the watchdog holds the read end
  of a pipe whose write end only this process has; end of file means this process is gone.
* Access: the unix socket and loopback are trusted for every role except ``PASSWORD_ROLE``, which must
  give its password (scram-sha-256) on loopback: the tests of the password sources.
* Small: shared_buffers 32MB, fsync off (a test cluster need not survive a power cut).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ADMIN = "shuanbai_admin"  # the cluster's superuser
PASSWORD_ROLE = "pw_user"
PASSWORD = "pw-Test-2024"
INSTALL_HINT = ("PostgreSQL's server binaries are missing (initdb, pg_ctl, postgres). Install Debian's "
                "package: apt-get install postgresql (bash .ci/dev test installs it).")


class ClusterUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    """The folder of initdb/pg_ctl/postgres; ``ClusterUnavailable`` when there is none."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30, check=True)
            candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                   if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates += [Path(p) for p in found]
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise ClusterUnavailable(INSTALL_HINT)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> str | None:
    """The account the server runs as when this process is root (None: as this user)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise ClusterUnavailable("running as root, and there is neither a postgres nor a nobody account "
                             "to run the test server as")


_WATCHDOG = r"""
import os, shutil, subprocess, sys
command, folder = sys.argv[1:-1], sys.argv[-1]
sys.stdin.buffer.read()  # end of file: the process that started the cluster is gone
subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
shutil.rmtree(folder, ignore_errors=True)
"""


class Cluster:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.user = _run_as()
        self.folder = Path(tempfile.mkdtemp(prefix="shuanbai-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self.port = _free_port()
        self._watchdog: subprocess.Popen | None = None
        self._options = ""
        self.running = False

    # --- commands as the server's account --------------------------------------------------------

    def _as_server(self, args: list[str]) -> list[str]:
        if self.user is None:
            return args
        return ["runuser", "-u", self.user, "--", *args]

    def _run(self, args: list[str], timeout: int = 120) -> None:
        done = subprocess.run(self._as_server(args), capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise ClusterUnavailable(f"{Path(args[0]).name} failed ({done.returncode}): "
                                     f"{done.stderr.strip() or done.stdout.strip()}")

    def start(self, data_from: Path | None = None) -> Cluster:
        """Start a new cluster, or (``data_from``) one on a copy of a data folder kept by ``snapshot``."""
        if self.user is not None:
            shutil.chown(self.folder, user=self.user)
        os.chmod(self.folder, 0o700)
        if data_from is not None:
            shutil.copytree(data_from, self.data, symlinks=True)
            if self.user is not None:
                subprocess.run(["chown", "-R", self.user, str(self.data)], check=True)
            os.chmod(self.data, 0o700)
        else:
            self._run([str(self.bindir / "initdb"), "-D", str(self.data), "-U", ADMIN, "-E", "UTF8",
                       "--locale=C", "--auth-local=trust", "--auth-host=trust", "--no-sync"], timeout=300)  # as server-prepare makes them
        hba = (f"local all all trust\n"
               f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
               f"host all all 127.0.0.1/32 trust\n")
        hba_file = self.data / "pg_hba.conf"
        hba_file.write_text(hba, encoding="utf-8")  # root may write in the server's folder
        if self.user is not None:
            shutil.chown(hba_file, user=self.user)
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.socket_dir} -c shared_buffers=32MB -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60 "
                   "-c logging_collector=off -c max_locks_per_transaction=128")
        self._options = options
        self._start_watchdog()
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                   "-o", options, "-w", "-t", "120", "start"], timeout=180)
        self.running = True
        atexit.register(self.stop)
        if data_from is None:
            self.psql(f"CREATE ROLE {PASSWORD_ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
        return self

    def snapshot(self, into: Path) -> None:
        """Stop cleanly and keep a copy of the data folder in ``into`` (for ``start(data_from=…)``); the
        cluster is started again afterwards."""
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(into, ignore_errors=True)
        shutil.copytree(self.data, into, symlinks=True)
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                   "-o", self._options, "-w", "-t", "120", "start"], timeout=180)

    def _start_watchdog(self) -> None:
        stop = self._as_server([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        self._watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, *stop, str(self.folder)],
                                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)

    def stop(self) -> None:
        if self.running:
            self.running = False
            try:
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
            except (ClusterUnavailable, OSError, subprocess.SubprocessError):
                pass
        if self._watchdog is not None:
            watchdog, self._watchdog = self._watchdog, None
            if watchdog.stdin is not None:
                watchdog.stdin.close()  # it finds the server stopped and removes the folder
            try:
                watchdog.wait(timeout=60)
            except subprocess.TimeoutExpired:
                watchdog.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- addresses ------------------------------------------------------------------------------

    def url(self, database: str = "postgres", user: str = ADMIN) -> str:
        """The program's URL form: loopback TCP, no password (trusted)."""
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def connect(self, database: str = "postgres"):
        """An autocommit psycopg connection as the superuser (administration: databases, roles)."""
        import psycopg
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user=ADMIN, dbname=database,
                               autocommit=True)

    def psql(self, sql: str, database: str = "postgres") -> None:
        with self.connect(database) as conn:
            conn.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> None:
        """A new database, copied from ``template`` when given (fast: a file copy in the server)."""
        for attempt in range(50):
            try:
                with self.connect() as conn:
                    if template:
                        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                    else:
                        conn.execute(f'CREATE DATABASE "{name}"')
                return
            except Exception as exc:  # noqa: BLE001 - the template is briefly in use by another session
                if "is being accessed by other users" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_CLUSTER: Cluster | None = None


def cluster() -> Cluster:
    """This process's cluster, started on first use (one per pytest worker)."""
    global _CLUSTER
    if _CLUSTER is None:
        _CLUSTER = Cluster().start()
    return _CLUSTER


def stop_cluster() -> None:
    global _CLUSTER
    if _CLUSTER is not None:
        _CLUSTER.stop()
        _CLUSTER = None


# --- station databases for the tests --------------------------------------------------------------


def target(name: str, shared_dir: Path):
    """The program's server target for database ``name`` of this process's cluster (loopback, trusted)."""
    from shuanbai_desktop.data import backend
    return backend.parse_server_url(cluster().url(name), shared_dir)


def copy_station(template: str, template_shared: Path, name: str, shared_dir: Path):
    """Database ``name`` copied from ``template`` (``CREATE DATABASE … TEMPLATE``, a file copy in the server)
    as if it had been built there: its audit trail gets a chain id of its own, with the template's key under
    that id in ``shared_dir``'s keys folder, and the head file names its newest entry (as ``copy_template``
    does for a SQLite file). Returns the server target."""
    import json
    import secrets

    from shuanbai_desktop.data import audit_key, shared_marker
    server = cluster()
    server.create_database(name, template)
    made = target(name, shared_dir)
    source = target(template, template_shared)
    with server.connect(name) as conn:
        # the template's id names the template's shared folder (data/shared_marker.py): the first open of
        # the copy gives it an id of its own and marks its folder, as for a station from before the marker
        conn.execute("DELETE FROM setting WHERE key = %s", (shared_marker.ID_SETTING,))
        raw = conn.execute("SELECT value FROM setting WHERE key = %s", (audit_key.CHAIN_SETTING,)).fetchone()
        if raw is None:
            return made
        key = audit_key.load_key(json.loads(raw[0]), source.anchor)
        if key is None:
            raise RuntimeError("the template's audit key file is missing")
        own = audit_key.ChainKey(secrets.token_hex(16), key.key, key.keyed_from, key.previous)
        audit_key.save_key(own, made.anchor)
        conn.execute("UPDATE setting SET value = %s WHERE key = %s", (json.dumps(own.chain_id), audit_key.CHAIN_SETTING))
        last = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    if last is not None:
        audit_key.write_head(made.anchor, audit_key.Head(own.chain_id, int(last[0]), str(last[1])))
    return made
