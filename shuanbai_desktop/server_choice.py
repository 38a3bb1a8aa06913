"""The station server this PC connects to, remembered on the PC (issue 19): the set-up wizard's
连接站内服务器 (and 改用其他服务器…) writes it, the next start goes there without asking.

What is kept: the server's URL (``postgresql+psycopg://USER@HOST:PORT/DB``, never a password: the URL
form refuses one) and the shared folder. Where: ``station-server.json`` in the folder every account of the
PC uses (``paths.machine_data_dir``) when there is one (every account of the PC then goes to the server,
as they would open the PC's shared station), else in this account's configuration folder. Read: this
account's file first, then the PC's. ``--db`` / ``SHUANBAI_DB`` still override it (cli.py).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from . import paths

log = logging.getLogger(__name__)

FILE_NAME = "station-server.json"
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class RememberedServer:
    url: str
    shared_dir: str | None
    file: Path  # where it was read from (shown when it has to be forgotten)


def own_file() -> Path:
    return paths.config_dir() / FILE_NAME


def machine_file() -> Path:
    return paths.machine_data_dir() / FILE_NAME


def build_url(host: str, port: int | None, database: str, username: str, sslmode: str | None = None) -> str:
    """The program's URL form from its parts (the wizard's fields, ``server-prepare``'s output): user and
    database quoted, an IPv6 address in brackets, a unix-socket folder as ``?host=``."""
    user = quote(username.strip(), safe="") if username.strip() else ""
    who = f"{user}@" if user else ""
    host = host.strip()
    query: list[str] = []
    if host.startswith("/") or not host:  # a unix socket's folder, or libpq's default
        if host:
            query.append(f"host={quote(host, safe='/')}")
        if port:
            query.append(f"port={port}")
        where = ""
    else:
        where = f"[{host}]" if ":" in host and not host.startswith("[") else host
        if port:
            where += f":{port}"
    if sslmode:
        query.append(f"sslmode={sslmode}")
    tail = f"?{'&'.join(query)}" if query else ""
    return f"postgresql+psycopg://{who}{where}/{quote(database.strip(), safe='')}{tail}"


def remembered() -> RememberedServer | None:
    """The server this PC goes to (this account's choice first, then the PC's); None: none chosen."""
    for file in (own_file(), machine_file()):
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            log.warning("the remembered station server in %s cannot be read", file)
            continue
        url = raw.get("url") if isinstance(raw, dict) else None
        if not isinstance(url, str) or not paths.is_server_url(url):
            log.warning("the remembered station server in %s is not a server URL", file)
            continue
        shared = raw.get("shared_dir")
        return RememberedServer(url, shared if isinstance(shared, str) and shared else None, file)
    return None


def remember(url: str, shared_dir: Path | str | None) -> Path:
    """Keep ``url`` (no password in it) and the shared folder for the next start; returns the file written.
    In the PC's folder when there is one (and this account's own file, if any, is removed: it would win)."""
    if "://" in url and "@" in url.split("://", 1)[1].split("/", 1)[0]:
        userinfo = url.split("://", 1)[1].split("@", 1)[0]
        if ":" in userinfo:
            raise ValueError("a URL with a password is never remembered")
    target = machine_file() if paths.machine_dir_available() else own_file()
    paths.make_private_dir(target.parent)
    text = json.dumps({"url": url, "shared_dir": str(shared_dir) if shared_dir else None},
                      ensure_ascii=False, indent=2)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    paths.make_private(temporary)
    os.replace(temporary, target)
    if target != own_file():
        forget_own()
    return target


def forget_own() -> None:
    try:
        own_file().unlink()
    except FileNotFoundError:
        pass
