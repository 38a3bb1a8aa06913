"""Backups through SQLite's backup API, checked, rotated, and restore with a safety copy.

A backup is ``backup-<乡镇代码>-<YYYYMMDD-HHMMSS>-<kind>.sqlite3`` plus a JSON sidecar with its
SHA-256, audit head and check state; names carry no personal data.

Writing a backup: one read transaction on the source is counted (tables, rows of the key tables,
audit head) and copied; the copy goes to a ``.tmp`` file and is compared with those counts (cheap);
its sidecar is written and fsynced, then the copy gets its final name. The full integrity check of
the copy is left for later (sidecar ``check: "pending"``): ``run_pending_checks`` does it in the
background and records ``ok`` or what it found. See docs/decisions.md (备份).

A failure (full disk, no write permission) removes the partial copy and raises a ``UserError``;
nothing else is touched. Temporary copies hold personal data: they are overwritten with zeros
before they are removed, also when start-up finds them left by a killed program.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from .. import paths
from ..data import audit, audit_key
from ..data.base import now
from ..data.engine import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    connect,
    connect_readonly,
    is_plain_file,
    key_for,
    sqlite,
    use_key,
)
from ..data.files import fsync_dir, sha256_file
from ..data.keyring import KEYRING_SUFFIX, KeyRing, keyring_path
from ..data.migrate import file_revision, known_revisions
from ..domain.labels import BackupKind
from ..errors import DiskFull, UserError, is_disk_full
from . import attachments

log = logging.getLogger(__name__)
SUFFIX = ".sqlite3"
DUMP_SUFFIX = ".pgdump"  # a station on a PostgreSQL server: pg_dump's custom format (services/server_backup.py)
BACKUP_SUFFIXES = (SUFFIX, DUMP_SUFFIX)
SIDECAR = ".json"
TMP = ".tmp"
RESTORE_TMP = ".restore.tmp"
OK = "ok"
PENDING = "pending"  # passed the checks made while backing up; the full check is still to come
READABLE = "readable"  # a server backup read whole, not restored on trial (the login role lacks CREATEDB)
KEY_TABLES = ("station", "app_user", "person", "household", "visit", "window_registration", "audit_entry")
NAME_RE = re.compile(r"^backup-(\d+)-(\d{8}-\d{6})-([a-z-]+)\.(?:sqlite3|pgdump)$")
Progress = Callable[[int, str], None]
Stop = Callable[[], bool]


def no_progress(_percent: int, _text: str = "") -> None:
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    kind: BackupKind
    size: int
    check: str  # "ok", "pending" (full check still to come) or what a check found
    sha256: str
    audit_head: int
    town_code: str = ""
    checked_at: datetime | None = None
    # What a server backup's sidecar says besides (server version, database, row counts: server_backup.py)
    extra: Mapping[str, object] | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        """Nothing found wrong: fully checked, or passed the checks made while backing up."""
        return self.check in (OK, PENDING, READABLE)

    @property
    def verified(self) -> bool:
        return self.check == OK

    @property
    def pending(self) -> bool:
        return self.check == PENDING

    @property
    def check_text(self) -> str:
        return check_label(self.check)


def check_label(result: str) -> str:
    """'ok' → 完好; pending → 待检查; SQLite's own (English) findings summarised, our Chinese ones shown."""
    if result == OK:
        return "完好"
    if result == PENDING:
        return "已核对，完整检查待进行"
    if result == READABLE:
        return "文件完整可读（未试恢复：数据库登录角色没有 CREATEDB 权限）"
    if any("\u4e00" <= ch <= "\u9fff" for ch in result):
        return f"有问题：{result}"
    return "有问题：未通过完整性检查"


# --- files --------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    fsync_dir(path.parent)


def _owner_only(path: Path) -> None:
    """A file just written: private by where it is (``paths.make_private``: owner-only, or the group's
    in the machine's shared folder)."""
    paths.make_private(path)


def backup_folder(dest_dir: Path) -> None:
    """The backup folder made (owner-only) before a backup is written into it: a folder that cannot be
    made (no rights, a full disk, a missing drive) is the backup's refusal in Chinese."""
    try:
        private_dir(dest_dir)
    except OSError as exc:
        failure = _write_failure(exc, dest_dir, "备份")
        if failure is None:
            raise
        raise failure from exc


def private_dir(folder: Path) -> None:
    """Create ``folder`` private (``paths.make_private_dir``); an existing folder is left as it is."""
    paths.make_private_dir(folder)


def _sha256(path: Path, stop: Stop | None = None) -> str:
    def check_stop() -> None:
        if stop is not None and stop():
            raise _Stopped()
    return sha256_file(path, check_stop)


def secure_remove(path: Path) -> None:
    """Overwrite a temporary copy with zeros, then remove it (it holds personal data)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    try:
        with path.open("r+b") as fh:
            block = b"\x00" * (1 << 20)
            left = size
            while left > 0:
                fh.write(block[:min(left, len(block))])
                left -= min(left, len(block))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        log.warning("could not overwrite %s before removing it", path.name)
    path.unlink(missing_ok=True)


def _remove_temp(path: Path) -> None:
    """A temporary database copy and the journal SQLite may have left beside it."""
    secure_remove(path)
    secure_remove(Path(f"{path}-journal"))


def _write_failure(exc: BaseException, folder: Path, what: str) -> UserError | None:
    """The Chinese error for a full disk or an unwritable folder; None for anything else (a bug)."""
    if is_disk_full(exc):
        return DiskFull(f"磁盘空间不足，{what}没有完成：{folder} 所在的磁盘已满。未完成的副本已删除，"
                        "已有的备份和数据保持不变。请清理磁盘空间，或换一个有空间的位置后再试。")
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF if isinstance(exc, sqlite.Error) else 0
    if isinstance(exc, PermissionError) or code in (8, 14) or (
            isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)):
        return UserError(f"{what}没有完成：无法写入 {folder}（没有写入权限，或U盘已写保护）。"
                         "已有的备份和数据保持不变。请检查该位置后再试。")
    return None


# --- what a database holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What the cheap check compares between a database and its copy."""
    tables: frozenset[str]
    counts: tuple[tuple[str, int], ...]
    audit_head: int
    audit_hash: str
    town_code: str
    station_name: str


def _summary(conn: sqlite.Connection) -> Summary:
    tables = frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"))
    counts = tuple((t, conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                   for t in KEY_TABLES if t in tables)
    head, head_hash = 0, ""
    if "audit_entry" in tables:
        row = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
        head, head_hash = (row[0], row[1]) if row else (0, "")
    station = conn.execute("SELECT town_code, name FROM station LIMIT 1").fetchone() \
        if "station" in tables else None
    town, name = (station[0], station[1]) if station else ("000000000", "")
    return Summary(tables, counts, head, head_hash, town, name)


def summary_of(path: Path) -> Summary:
    conn = connect_readonly(path)
    try:
        return _summary(conn)
    finally:
        conn.close()


class _Stopped(Exception):
    """The background check was asked to stop (the window is closing)."""


def full_check(path: Path, stop: Stop | None = None) -> str:
    """integrity_check and foreign_key_check: 'ok' or what they found. ``stop()`` interrupts it."""
    conn = connect_readonly(path)
    if stop is not None:
        conn.set_progress_handler(lambda: 1 if stop() else 0, 20_000)
    try:
        result = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
        fk = conn.execute("PRAGMA foreign_key_check").fetchall() if result == OK else []
    except sqlite.OperationalError:
        if stop is not None and stop():
            raise _Stopped() from None
        raise
    except sqlite.DatabaseError as exc:
        return f"无法读取（{exc}）"
    finally:
        conn.close()
    if result == OK and fk:
        return f"外键检查发现 {len(fk)} 处问题"
    return result


def _differences(source: Summary, copy: Summary) -> list[str]:
    found = []
    if copy.tables != source.tables:
        found.append("数据表不一致")
    have = dict(copy.counts)
    for table, want in source.counts:
        if have.get(table) != want:
            found.append(f"{table} 表 {have.get(table, 0)} 行（应为 {want} 行）")
    if (copy.audit_head, copy.audit_hash) != (source.audit_head, source.audit_hash):
        found.append("操作日志末条不一致")
    return found


# --- making a backup ------------------------------------------------------------------------


def backup_name(town_code: str, at: datetime, kind: BackupKind) -> str:
    return f"backup-{town_code}-{at:%Y%m%d-%H%M%S}-{kind.value}{SUFFIX}"


def _open_source(path: Path) -> sqlite.Connection:
    """Read-write (never creates): a hot journal a killed writer left is rolled back, not refused."""
    conn = connect(path, "rw", timeout=BUSY_TIMEOUT_MS / 1000)
    conn.isolation_level = None  # we say BEGIN and COMMIT ourselves
    return conn


def make_backup(db_path: Path, dest_dir: Path, kind: BackupKind, at: datetime | None = None,
                full: bool = False, progress: Progress | None = None) -> BackupInfo:
    """Copy the database into ``dest_dir``; reported done only when the copy has the source's
    tables, key row counts and audit head. ``full`` also runs the full integrity check now (the
    pre-migration backup); otherwise the sidecar says ``pending`` and ``run_pending_checks`` does it."""
    at, progress = at or now(), progress or no_progress
    backup_folder(dest_dir)
    source = _open_source(db_path)
    tmp: Path | None = None
    try:
        source.execute("BEGIN")  # one read transaction: what is counted is what is copied
        before = _summary(source)
        final = dest_dir / backup_name(before.town_code, at, kind)
        tmp = final.with_name(final.name + TMP)
        progress(5, "正在复制数据库")
        use_key(tmp, key_for(db_path))  # an encrypted database's copy has its key (and carries its key file)
        target = connect(tmp, "rwc")
        try:
            source.backup(target, pages=-1)
        finally:
            target.close()
        source.execute("COMMIT")
        info = _finish(db_path, tmp, final, before, kind, at, full, progress)
    except (OSError, sqlite.Error) as exc:
        if tmp is not None:
            _remove_temp(tmp)
        failure = _write_failure(exc, dest_dir, "备份")
        if failure is None:
            raise
        log.warning("backup into %s failed: %s", dest_dir.name, type(exc).__name__)
        raise failure from exc
    except BaseException:
        if tmp is not None:
            _remove_temp(tmp)
        raise
    finally:
        source.close()
        if tmp is not None:
            use_key(tmp, None)
    log.info("backup written: %s (%d bytes, %s)", info.path.name, info.size, info.check)
    return info


def _finish(db_path: Path, tmp: Path, final: Path, before: Summary, kind: BackupKind, at: datetime,
            full: bool, progress: Progress) -> BackupInfo:
    _owner_only(tmp)
    _fsync(tmp)
    progress(55, "正在核对备份副本")
    found = _differences(before, summary_of(tmp))
    if found:
        _remove_temp(tmp)
        raise UserError(f"备份副本与数据库不一致（{'；'.join(found)}），没有保存这份备份。")
    check = PENDING
    if full:
        progress(60, "正在检查备份副本的完整性")
        check = full_check(tmp)
        if check != OK:
            _remove_temp(tmp)
            raise UserError(f"备份副本的完整性检查未通过（{check}），没有保存这份备份。")
    progress(75, "正在计算校验值")
    info = BackupInfo(final, at, kind, tmp.stat().st_size, check, _sha256(tmp), before.audit_head,
                      before.town_code, at if full else None)
    progress(85, "正在复制附件")
    attachments.sync_store(db_path, final.parent / "attachments")
    audit.write_backup_keys(tmp, final)  # the trail's key and newest entry (<backup>.key)
    carry_keyring(db_path, final)  # an encrypted database's key file (<backup>.keyring)
    write_sidecar(info)  # before the rename: a backup never appears without its sidecar
    os.replace(tmp, final)
    fsync_dir(final.parent)
    progress(95, "备份已保存")
    return info


def copy_backup(info: BackupInfo, folder: Path) -> BackupInfo:
    """Copy a backup and its sidecar into ``folder`` (the second backup folder), verified: the copy's
    SHA-256, read back from the medium, must equal the sidecar's. Returns the copy's info."""
    final = folder / info.path.name
    copy = replace(info, path=final)
    if final.exists() and _read(final) is not None and _sha256(final) == info.sha256:
        return copy
    tmp = final.with_name(final.name + TMP)
    try:
        with info.path.open("rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
            if hasattr(os, "posix_fadvise"):  # read it back from the medium, not from the page cache
                os.posix_fadvise(dst.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        _owner_only(tmp)
        if _sha256(tmp) != info.sha256:
            raise UserError(f"复制到 {folder} 的备份与原备份的校验值（SHA-256）不符，副本已删除。"
                            "这个位置的介质可能有问题，请换一个U盘或位置。")
        audit_key.copy_backup_keys(info.path, final)
        carry_keyring(info.path, final)
        write_sidecar(copy)
        os.replace(tmp, final)
        fsync_dir(folder)
    except (OSError, sqlite.Error) as exc:
        _remove_temp(tmp)
        failure = _write_failure(exc, folder, "复制到第二备份位置")
        if failure is None:
            raise
        raise failure from exc
    except BaseException:
        _remove_temp(tmp)
        raise
    return copy


# --- sidecars and listing -------------------------------------------------------------------


def sidecar_path(path: Path) -> Path:
    return path.with_suffix(SIDECAR)


def write_sidecar(info: BackupInfo) -> None:
    """Written to a temporary file, fsynced, renamed, folder fsynced; owner-only."""
    side = sidecar_path(info.path)
    tmp = side.with_name(side.name + TMP)
    meta = {**(info.extra or {}), "created_at": info.created_at.isoformat(), "kind": info.kind.value,
            "size": info.size,
            "check": info.check, "sha256": info.sha256, "audit_head": info.audit_head,
            "town_code": info.town_code,
            "checked_at": info.checked_at.isoformat() if info.checked_at else None}
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps(meta, ensure_ascii=False))
            fh.flush()
            os.fsync(fh.fileno())
        _owner_only(tmp)
        os.replace(tmp, side)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(side.parent)


_SIDECAR_FIELDS = frozenset({"created_at", "kind", "size", "check", "sha256", "audit_head", "town_code",
                             "checked_at"})


def _read(path: Path) -> BackupInfo | None:
    try:
        meta = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
        checked = meta.get("checked_at")
        extra = {k: v for k, v in meta.items() if k not in _SIDECAR_FIELDS}
        return BackupInfo(path, datetime.fromisoformat(meta["created_at"]), BackupKind(meta["kind"]),
                          path.stat().st_size, meta["check"], meta["sha256"], int(meta["audit_head"]),
                          meta.get("town_code", ""), datetime.fromisoformat(checked) if checked else None,
                          extra or None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _from_name(path: Path) -> BackupInfo | None:
    """A backup whose sidecar is missing: what its name and file say (check pending, no SHA-256 yet)."""
    try:
        size, mtime = path.stat().st_size, datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return None
    match = NAME_RE.match(path.name)
    if match:
        try:
            return BackupInfo(path, datetime.strptime(match[2], "%Y%m%d-%H%M%S"), BackupKind(match[3]),
                              size, PENDING, "", 0, match[1])
        except ValueError:
            pass
    return BackupInfo(path, mtime.replace(microsecond=0), BackupKind.MANUAL, size, PENDING, "", 0)


def list_backups(dest_dir: Path) -> list[BackupInfo]:
    """Newest first. A backup without a readable sidecar is listed too (check pending). A station on a
    server has pg_dump files (``DUMP_SUFFIX``) where a file station has SQLite copies."""
    found = []
    if dest_dir.is_dir():
        for path in _backup_files(dest_dir):
            info = _read(path) or _from_name(path)
            if info is not None:
                found.append(info)
    # Same second: a manual or exit backup counts as the newer one, so rotation keeps it.
    return sorted(found, key=lambda b: (b.created_at, b.kind is not BackupKind.AUTO, b.path.name), reverse=True)


def _backup_files(folder: Path) -> list[Path]:
    return [p for suffix in BACKUP_SUFFIXES for p in folder.glob(f"backup-*{suffix}")]


def recheck(info: BackupInfo, stop: Stop | None = None) -> str:
    """Check a stored backup again: SHA-256 against its sidecar, then the full check (a server backup
    here, without its server: read whole by pg_restore, ``server_backup.read_check``)."""
    if info.sha256 and _sha256(info.path, stop) != info.sha256:
        return "文件校验值与备份时不符（文件被改动或损坏）"
    if info.path.suffix == DUMP_SUFFIX:
        from . import server_backup
        return server_backup.read_check(info.path)
    return full_check(info.path, stop)


def run_pending_checks(dest_dir: Path, stop: Stop | None = None, at: datetime | None = None) -> list[BackupInfo]:
    """The full check of every backup still ``pending``, newest first, recorded in its sidecar.
    ``stop()`` (checked often) ends it early; what was not finished stays pending for next time."""
    done = []
    for info in list_backups(dest_dir):
        if not info.pending:
            continue
        try:
            checked = check_and_record(info, stop, at)
        except _Stopped:
            log.info("background backup check stopped; the rest stays pending")
            break
        except (OSError, sqlite.Error):
            log.warning("backup %s could not be checked now", info.path.name, exc_info=True)
            continue
        done.append(checked)
    return done


def check_and_record(info: BackupInfo, stop: Stop | None = None, at: datetime | None = None) -> BackupInfo:
    """The full check of one backup (a missing sidecar rebuilt from the file), recorded in its sidecar."""
    if not info.sha256:  # no sidecar: rebuild it from the file itself, after checking it
        sha = _sha256(info.path, stop)
        try:
            summary = summary_of(info.path)
            head, town = summary.audit_head, summary.town_code
        except sqlite.DatabaseError:
            head, town = 0, info.town_code
        result = full_check(info.path, stop) if _is_sqlite(info.path) else "不是 SQLite 数据库文件"
    else:
        sha, head, town = info.sha256, info.audit_head, info.town_code
        result = recheck(info, stop)
    checked = BackupInfo(info.path, info.created_at, info.kind, info.path.stat().st_size, result, sha, head,
                         town, at or now(), info.extra)
    write_sidecar(checked)
    if result != OK:
        log.warning("backup %s failed its check", info.path.name)
    return checked


def _is_sqlite(path: Path) -> bool:
    """A plain SQLite file, or an encrypted one with its key file beside it."""
    return is_plain_file(path) or keyring_path(path).exists()


def carry_keyring(db_file: Path, copy_file: Path) -> None:
    """A copy of an encrypted database (a backup, its copy on the USB stick) carries the key file:
    ``<copy>.keyring``, without which the copy could not be opened anywhere."""
    ring = keyring_path(db_file)
    if ring.exists() and not is_plain_file(db_file):
        KeyRing.load(ring).copy_to(keyring_path(copy_file))


class BackupLocked(UserError):
    """An encrypted backup whose key is not this station's: it opens with the password of an account
    in it, or with the recovery code of its station (``encryption.unlock_backup``)."""

    def __init__(self, backup_file: Path):
        super().__init__("这份备份已加密，且不是用本数据库现在的密钥加密的。请输入这份备份中某个账户的用户名和密码，"
                         "或该社工站的恢复码，用来解开它。", field="备份文件")
        self.backup_file = backup_file


# --- leftovers ------------------------------------------------------------------------------


def clean_folder(folder: Path) -> list[str]:
    """Remove what a killed backup left in a backup folder: temporary copies (overwritten first),
    sidecar temporaries, sidecars of vanished backups; rebuild the sidecar of a backup without one.
    Returns the names removed or rebuilt."""
    done: list[str] = []
    if not folder.is_dir():
        return done
    for path in list(folder.glob(f"*{SUFFIX}{TMP}")) + list(folder.glob(f"*{SUFFIX}{TMP}-journal")):
        secure_remove(path)
        done.append(path.name)
    for path in folder.glob(f"*{SIDECAR}{TMP}"):
        path.unlink(missing_ok=True)
        done.append(path.name)
    for path in folder.glob(f"backup-*{SIDECAR}"):
        if not any(path.with_suffix(suffix).exists() for suffix in BACKUP_SUFFIXES):
            path.unlink(missing_ok=True)
            done.append(path.name)
    orphans = set(audit_key.orphan_backup_keys(folder, SUFFIX)) & set(audit_key.orphan_backup_keys(folder, DUMP_SUFFIX))
    for path in sorted(orphans):
        path.unlink(missing_ok=True)
        done.append(path.name)
    for path in folder.glob(f"backup-*{SUFFIX}{KEYRING_SUFFIX}"):
        if not path.with_name(path.name[:-len(KEYRING_SUFFIX)]).exists():
            path.unlink(missing_ok=True)
            done.append(path.name)
    store = folder / "attachments"
    if store.is_dir():
        for path in store.rglob(f"*{TMP}"):
            secure_remove(path)
            done.append(path.name)
    for path in folder.glob(f"backup-*{SUFFIX}"):  # a server backup without its sidecar: server_backup.clean_folder
        if _read(path) is None:
            info = _from_name(path)
            if info is not None:
                check_and_record(info, None, None)
                done.append(path.name)
    if done:
        log.warning("cleaned up after an interrupted backup in %s: %d item(s)", folder.name, len(done))
    return done


def clean_leftovers(db_path: Path, backups: Path) -> list[str]:
    """At start-up: a killed restore's copy beside the database, then the backup folder."""
    done = []
    for path in (Path(f"{db_path}{RESTORE_TMP}"), Path(f"{db_path}{RESTORE_TMP}-journal")):
        if path.exists():
            secure_remove(path)
            done.append(path.name)
    return done + clean_folder(backups)



LAST_TICKET = "last_ticket"  # a restore event's detail: the day's highest 受理编号 before it (window.tickets)


def record_restore(reopened, prepared: RestoreSource, safety: Path | None, other_town: str | None,
                   actor: audit.Actor | None, last_ticket: str | None = None) -> None:
    """The restore's line in the restored station's trail (a file or a server database): the backup, the
    safety copy, whether its SHA-256 was checked, another station's town code, and (``last_ticket``, a
    server's restore) the day's highest 受理编号 in the database replaced (``window.tickets``). The restored
    data has its own accounts: the user who restored is named, not given an id there."""
    details: dict[str, object] = {"safety_copy": safety.name if safety else "",
                                  "sha256_checked": prepared.sha256_checked}
    if other_town is not None:
        details["other_station"] = other_town
    if last_ticket is not None:
        details[LAST_TICKET] = last_ticket
    by = audit.Actor(None, actor.username) if actor is not None else None
    with reopened.session(by) as s:
        audit.record_event(s, "backup", "", f"从备份恢复：{prepared.original.name}", details)

# --- rotation -------------------------------------------------------------------------------


ROTATED = {BackupKind.AUTO, BackupKind.MANUAL, BackupKind.EXIT}
SAFETY_KEEP = 5


def choose_kept(backups: list[BackupInfo], daily: int, weekly: int, monthly: int) -> set[Path]:
    """Newest backup of each of the last ``daily`` days, ``weekly`` ISO weeks, ``monthly`` months."""
    keep: set[Path] = set()
    for bucket, count in ((lambda d: d.date(), daily), (lambda d: d.isocalendar()[:2], weekly),
                          (lambda d: (d.year, d.month), monthly)):
        seen: list = []
        for b in backups:  # newest first
            key = bucket(b.created_at)
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                keep.add(b.path)
    return keep


def rotate(dest_dir: Path, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Delete the backups the retention rule no longer keeps; return what was deleted."""
    backups = list_backups(dest_dir)
    rotated = [b for b in backups if b.kind in ROTATED]
    keep = choose_kept(rotated, daily, weekly, monthly)
    keep |= {b.path for b in [b for b in backups if b.kind not in ROTATED][:SAFETY_KEEP]}
    gone = [b.path for b in backups if b.path not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
        sidecar_path(path).unlink(missing_ok=True)
        audit_key.backup_key_path(path).unlink(missing_ok=True)
        keyring_path(path).unlink(missing_ok=True)
    return gone


def latest(dest_dir: Path) -> BackupInfo | None:
    backups = list_backups(dest_dir)
    return backups[0] if backups else None


def due(dest_dir: Path, audit_head: int, at: datetime, on_exit: bool, current_head: int | None = None) -> bool:
    """On exit: when data changed since the last backup. Otherwise: once a day.

    ``audit_head`` is the newest audit entry that is not a backup's own event; ``current_head`` the
    newest of all (smaller than the last backup's after a restore of an older backup: changed).
    """
    last = latest(dest_dir)
    if last is None:
        return audit_head > 0
    changed = audit_head > last.audit_head or (current_head is not None and current_head < last.audit_head)
    if on_exit:
        return changed
    return at - last.created_at >= timedelta(days=1) and changed


# --- restore --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreSource:
    """A backup copied beside the database and checked there, ready to be restored."""
    original: Path
    copy: Path
    town_code: str
    station_name: str
    audit_head: int
    sha256_checked: bool  # a sidecar was there and its SHA-256 matched


class OtherStationBackup(UserError):
    """The backup belongs to another township: restored only when the administrator confirms."""

    def __init__(self, source: RestoreSource, current_town: str, current_name: str):
        super().__init__(
            f"这份备份属于另一个社工站：{source.station_name or '（未设立）'}（区划代码 {source.town_code}），"
            f"而现在的数据库是{current_name}（区划代码 {current_town}）。为防止用别站的数据覆盖本站，没有恢复。"
            "确需恢复时，请在图形界面中按提示输入对方站名确认，或在命令行加 --other-station。",
            field="备份文件")
        self.source, self.current_town, self.current_name = source, current_town, current_name


def _copy_and_hash(src: Path, dst: Path) -> str:
    digest = hashlib.sha256()
    with src.open("rb") as fin, dst.open("wb") as fout:
        _owner_only(dst)
        for block in iter(lambda: fin.read(1 << 20), b""):
            digest.update(block)
            fout.write(block)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def _sidecar_sha(backup_file: Path) -> str:
    try:
        return str(json.loads(sidecar_path(backup_file).read_text(encoding="utf-8"))["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _opens(path: Path) -> bool:
    """Whether the key remembered for ``path`` reads it (a wrong key reads nothing)."""
    try:
        conn = connect_readonly(path)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite.DatabaseError:
        return False
    return True


def _check_restorable(copy: Path) -> None:
    """The copy is one of our databases, not newer than this program, and intact."""
    if not is_plain_file(copy) and key_for(copy) is None:
        raise UserError("所选文件不是本程序的备份（不是 SQLite 数据库文件，也没有与它配套的密钥文件）。",
                        field="备份文件")
    if not is_plain_file(copy) and not _opens(copy):
        raise UserError("所选文件不是本程序的备份，或不是用本站的密钥加密的（它旁边没有配套的密钥文件"
                        "“….keyring”，请把备份文件和它的密钥文件一起复制过来）。", field="备份文件")
    try:
        conn = connect_readonly(copy)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
        if app_id != APPLICATION_ID:
            raise UserError("所选文件不是本程序的备份。", field="备份文件")
        revision = file_revision(copy)
        if revision is not None and not revision <= known_revisions():
            raise UserError("这份备份由更新版本的社工站工作平台创建，本版本不能用它恢复。请先安装最新版本。",
                            field="备份文件")
        result = full_check(copy)
    except sqlite.DatabaseError as exc:
        raise UserError(f"备份文件已损坏，无法读取（{exc}），不能用于恢复。", field="备份文件") from None
    if result != OK:
        raise UserError(f"备份文件完整性检查未通过（{check_label(result)}），不能用于恢复。", field="备份文件")


def prepare_restore(db_path: Path, backup_file: Path) -> RestoreSource:
    """Copy the backup beside the database (so read-only media work), then check the copy: SHA-256
    against the sidecar when there is one, ours, not newer, intact. Raises ``UserError``; on any
    failure the copy is removed. The caller restores with ``restore_prepared`` or ``discard``s it."""
    if not backup_file.is_file():
        raise UserError(f"找不到备份文件：{backup_file.name}", field="备份文件")
    copy = Path(f"{db_path}{RESTORE_TMP}")
    try:
        try:
            private_dir(db_path.parent)  # restoring onto a new computer: the folder may not exist yet
            digest = _copy_and_hash(backup_file, copy)
        except OSError as exc:
            if isinstance(exc, PermissionError) and not os.access(backup_file, os.R_OK):
                raise UserError(f"无法读取备份文件：{backup_file.name}（没有读取权限）。", field="备份文件") from None
            failure = _write_failure(exc, copy.parent, "恢复前复制备份")
            if failure is None:
                raise
            raise failure from exc
        if not is_plain_file(copy):
            if keyring_path(backup_file).exists():
                key = key_for(backup_file)
                if key is None:
                    raise BackupLocked(backup_file)
            else:  # copied without its key file: this station's key is tried (a wrong one does not read)
                key = key_for(db_path)
            use_key(copy, key)
        expected = _sidecar_sha(backup_file)
        if expected and digest != expected:
            raise UserError("备份文件与备份时记录的校验值（SHA-256）不符：文件在备份之后被改动过或已损坏，"
                            "不能用于恢复。请换一份备份。", field="备份文件")
        _check_restorable(copy)
        summary = summary_of(copy)
    except BaseException:
        _remove_temp(copy)
        use_key(copy, None)
        raise
    return RestoreSource(backup_file, copy, summary.town_code, summary.station_name, summary.audit_head,
                         bool(expected))


def discard(source: RestoreSource) -> None:
    _remove_temp(source.copy)
    use_key(source.copy, None)


def current_station(db_path: Path) -> tuple[str, str] | None:
    """(town code, name) of the database now at ``db_path``; None when it has none or is unreadable."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    try:
        conn = _open_source(db_path)
        try:
            row = conn.execute("SELECT town_code, name FROM station LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite.Error:
        return None
    return (row[0], row[1]) if row else None


def other_station(db_path: Path, source: RestoreSource) -> tuple[str, str] | None:
    """The current station (code, name) when the backup is another township's, else None."""
    current = current_station(db_path)
    if current is None or source.town_code in ("", "000000000") or current[0] == source.town_code:
        return None
    return current


def restore_prepared(db_path: Path, source: RestoreSource, dest_dir: Path,
                     allow_other_station: bool = False) -> Path | None:
    """Replace the database with a prepared backup; the current database is kept first as a safety copy.

    Every connection to ``db_path`` must be closed before this runs; the caller reopens it
    afterwards through ``open_database`` (which migrates an older backup). A backup of another
    township is refused unless ``allow_other_station``. Returns the safety copy's path (None
    when there was no database yet).
    """
    current = other_station(db_path, source)
    if current is not None and not allow_other_station:
        raise OtherStationBackup(source, *current)
    if not source.copy.is_file():
        raise UserError("恢复用的临时副本不见了，请重新选择备份。", field="备份文件")
    safety = _keep_current(db_path, dest_dir)
    Path(f"{db_path}-journal").unlink(missing_ok=True)  # belongs to the file being replaced
    key = key_for(source.copy)
    if key is not None and keyring_path(source.original).exists():
        # the backup's key file becomes the database's (its accounts are the backup's)
        ring = KeyRing.load(keyring_path(source.original))
        ring.save(keyring_path(db_path))
        use_key(db_path, key, ring.file_id)
    # a backup copied without its key file opened with the station's key: the station's key file stays
    # else: a plain backup (made before the encryption): encrypted again at an administrator's log-in,
    # with the key of the key file left in place (encryption._station_key)
    os.replace(source.copy, db_path)
    fsync_dir(db_path.parent)
    attachments.restore_store(source.original.parent / "attachments", db_path)
    log.info("restored database from %s", source.original.name)
    return safety


def restore(db_path: Path, backup_file: Path, dest_dir: Path, allow_other_station: bool = False) -> Path | None:
    """Check (on a copy) and restore ``backup_file`` over ``db_path``; see ``restore_prepared``."""
    source = prepare_restore(db_path, backup_file)
    try:
        return restore_prepared(db_path, source, dest_dir, allow_other_station)
    finally:
        discard(source)


def _keep_current(db_path: Path, dest_dir: Path) -> Path | None:
    """The safety copy before a restore; a damaged database is kept aside as files instead."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    try:
        return make_backup(db_path, dest_dir, BackupKind.PRE_RESTORE).path
    except DiskFull:
        raise
    except (sqlite.DatabaseError, UserError):
        target = dest_dir / f"damaged-{now():%Y%m%d-%H%M%S}{SUFFIX}"
        private_dir(dest_dir)
        shutil.copy2(db_path, target)
        journal = Path(f"{db_path}-journal")
        if journal.exists():
            shutil.copy2(journal, Path(f"{target}-journal"))
        log.warning("current database unreadable; kept aside as %s", target.name)
        return target
