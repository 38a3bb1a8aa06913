"""Which database a shared folder belongs to (issue 19): a station on a PostgreSQL server keeps its attachments,
audit key and head, and backups in a folder every PC reaches (``ServerTarget.shared_dir``); pointing a PC at
the wrong folder would mix two stations' files, or give the trail a key the other PCs cannot verify.

* **The id**: a random station-database id in the database (setting ``server.database_id``), stored the
  first time a marker is written for it (an empty database built, 迁移到服务器, the first open of a server
  station from before the marker), never by a migration.
* **The marker**: ``<shared folder>/station-database.json`` names that id, and the server (host:port) and
  database name for the message only. No personal data.
* **The check** (``claim``): on every open of a server station (``migrate.open_server_database``, before
  any backup, migration or write) and at the wizard's 测试连接 (``server_prepare.probe``). See
  docs/decisions.md (共用文件夹属于哪个数据库).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DatabaseRefused
from . import audit_key

if TYPE_CHECKING:
    from .backend import ServerTarget

log = logging.getLogger(__name__)

MARKER_NAME = "station-database.json"
ID_SETTING = "server.database_id"
FORMAT = 1
FIELD = "共用文件夹"  # the wizard's field (server_prepare.SHARED); the command line's is --shared-dir
CHECK_HINT = "请检查 --shared-dir（或环境变量 SHUANBAI_SHARED_DIR、向导中的“共用文件夹”），填设立社工站时用的那个共用文件夹。"
NEW_STATION_HINT = "请检查 --shared-dir（或向导中的“共用文件夹”）：设立新的社工站请另选一个空的共用文件夹。"


@dataclass(frozen=True)
class Marker:
    database_id: str
    server: str  # host:port, as the PC that wrote it reached the server (for the message)
    database: str

    def record(self) -> dict:
        return {"format": FORMAT, "database_id": self.database_id, "server": self.server, "database": self.database}


@dataclass(frozen=True)
class Found:
    """What a server database says about itself: its id (None: none yet), its audit chain, its attachments."""
    database_id: str | None
    chain_id: str | None
    attachments: int


def marker_path(folder: Path) -> Path:
    return Path(folder) / MARKER_NAME


def server_of(target: ServerTarget) -> str:
    return f"{target.host or '本机'}:{target.port or 5432}"


def new_id() -> str:
    return secrets.token_hex(16)


def read_marker(folder: Path) -> Marker | None:
    """The folder's marker; None when there is none (an unreadable one counts as none: the audit key still
    decides, ``claim``)."""
    try:
        data = json.loads(marker_path(folder).read_text(encoding="utf-8"))
        marker = Marker(str(data["database_id"]), str(data.get("server") or ""), str(data.get("database") or ""))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("the shared folder's marker is unreadable; taken as missing")
        return None
    return marker if audit_key.valid_chain_id(marker.database_id) else None


def write_marker(target: ServerTarget, database_id: str) -> None:
    """The marker naming ``database_id`` (written only when it says something else)."""
    marker = Marker(database_id, server_of(target), target.database)
    if read_marker(target.shared_dir) == marker:
        return
    audit_key.atomic_write(marker_path(target.shared_dir), json.dumps(marker.record(), ensure_ascii=False))
    log.info("shared folder marked as this database's")


def foreign(target: ServerTarget, marker: Marker, new_station: bool = False) -> DatabaseRefused:
    """The refusal of a folder whose marker names another database (the same name: one made anew since);
    ``new_station``: the database is empty (a station about to be set up there)."""
    owner = f"服务器 {marker.server} 上的社工站数据库 {marker.database}"
    if (marker.server, marker.database) == (server_of(target), target.database):
        owner += "（同名，但不是同一个数据库：它后来被重新建立或换成了别的社工站）"
    hint = NEW_STATION_HINT if new_station else CHECK_HINT
    return DatabaseRefused(f"共用文件夹“{target.shared_dir}”属于{owner}，不是本次连接的 {target.display()}："
                           f"{hint}没有作任何改动。", field=FIELD)


def not_this_folder(target: ServerTarget) -> DatabaseRefused:
    return DatabaseRefused(f"共用文件夹“{target.shared_dir}”里没有社工站数据库 {target.display()} 的标记文件"
                           f"（{MARKER_NAME}）和操作日志密钥：它不是这个社工站的共用文件夹，或网络共享没有连上。"
                           f"{CHECK_HINT}没有作任何改动。", field=FIELD)


def claim(target: ServerTarget, found: Found | None) -> str | None:
    """Whether the shared folder of ``target`` belongs to the database (``found``; None: an empty database,
    built next). Raises ``DatabaseRefused`` (writes nothing) for a folder whose marker names another database,
    and for a folder without marker and without the station's audit key when the database has an id and
    files (the PC points at the wrong folder, or the share is not connected). Returns the id the marker is to
    name (stored in the database first when it has none: ``store_id``), or None: nothing to write (the marker
    says it already; or a station from before the marker whose folder does not hold its audit key: the start's
    key check says why)."""
    marker = read_marker(target.shared_dir)
    own = found.database_id if found is not None else None
    if marker is not None:
        if own != marker.database_id:
            raise foreign(target, marker, new_station=found is None)
        here = Marker(marker.database_id, server_of(target), target.database)
        return None if marker == here else own  # the server or database renamed (a restore elsewhere): said anew
    chain = found.chain_id if found is not None else None
    has_files = chain is not None or (found is not None and found.attachments > 0)
    has_key = chain is not None and audit_key.key_path(chain, target.anchor).is_file()
    if has_files and not has_key:
        if own is not None:
            raise not_this_folder(target)
        return None
    return own or new_id()


def setting_text(raw: object) -> str | None:
    """A setting's JSON text as a string (None for none)."""
    if raw is None:
        return None
    try:
        value = json.loads(str(raw))
    except ValueError:
        return str(raw)
    return value if isinstance(value, str) else str(value)


def read_found(scalar: Callable[[str], object]) -> Found:
    """What the database holds (``scalar(sql)``: the first column of the first row, None without one; a
    SQLAlchemy or a psycopg connection's). Read-only."""
    if not scalar("SELECT to_regclass('setting') IS NOT NULL"):
        return Found(None, None, 0)
    own = setting_text(scalar(f"SELECT value FROM setting WHERE key = '{ID_SETTING}'"))
    chain = setting_text(scalar(f"SELECT value FROM setting WHERE key = '{audit_key.CHAIN_SETTING}'"))
    attachments = 0
    if scalar("SELECT to_regclass('attachment') IS NOT NULL"):
        attachments = int(str(scalar("SELECT count(*) FROM attachment") or 0))
    return Found(own if audit_key.valid_chain_id(own) else None, chain, attachments)


def store_id(conn, database_id: str) -> str:
    """The id in the database (a SQLAlchemy connection, committed here): ``database_id`` unless another PC
    stored one first (that one is returned)."""
    from sqlalchemy import text
    conn.execute(text("INSERT INTO setting (key, value) VALUES (:key, :value) ON CONFLICT (key) DO NOTHING"),
                 {"key": ID_SETTING, "value": json.dumps(database_id)})
    stored = setting_text(conn.execute(text("SELECT value FROM setting WHERE key = :key"), {"key": ID_SETTING}).scalar())
    if not audit_key.valid_chain_id(stored):  # not an id of ours (set by hand): replaced
        conn.execute(text("UPDATE setting SET value = :value WHERE key = :key"),
                     {"key": ID_SETTING, "value": json.dumps(database_id)})
        stored = database_id
    conn.commit()
    return stored or database_id
