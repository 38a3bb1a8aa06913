"""Command line beside the GUI, through the same services.

The command line acts as a user, like the GUI: commands that read or change station data (demo,
backup, restore, report, ledger, import) take ``--user NAME`` and the password from ``--password-file FILE``
or, when standard input is a terminal, a prompt. The log-in is the GUI's (``auth.log_in``: lock-out,
one message for every failure); then every session acts for that user (``db.acting_for``) and the
services check the same permission table (docs/permissions.md). ``init`` creates the first
administrator and is refused when the database has a station or an account; ``verify`` shows no
personal data and runs without a user; ``county-merge`` has no station database; ``restore`` onto a
database that cannot be opened has no one to ask (see ``_restore``).

Exit codes: 0 success, 2 bad input, usage or a refused log-in or permission (Chinese message on
stderr), 1 other failures.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, cli_import, cli_move, paths
from .data.lock import InstanceLock
from .domain.labels import BackupKind
from .errors import DatabaseRefused, DiskFull, UserError, is_disk_full
from .password_file import read_password_file

if TYPE_CHECKING:
    from .data.db import Database
    from .services.station import StationInfo

log = logging.getLogger(__name__)

# argparse looks its texts up through gettext at call time: give it Chinese ones.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的命令 %(value)r（可用：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "值 %(value)r 无效，应为整数",
    "expected one argument": "需要一个值",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}
argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


class UsageError(UserError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="shuanbai-desktop", description="乡镇(街道)社工站工作平台。不带命令时启动图形界面。")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="数据库文件，或站内服务器上的数据库 postgresql+psycopg://用户名@服务器:端口/数据库名"
                             "（密码用 PGPASSWORD 或 pgpass 文件，或在终端中输入；也可用环境变量 SHUANBAI_DB）")
    parser.add_argument("--shared-dir", metavar="DIR",
                        help="连接站内服务器时各电脑共用的文件夹（附件、操作日志密钥；也可用环境变量 SHUANBAI_SHARED_DIR）")
    parser.add_argument("--version", action="version", version=f"shuanbai-desktop {__version__}",
                        help="显示版本号并退出")
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)  # installer/build.py
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    init = sub.add_parser("init", help="设立社工站并创建第一个管理员账户（数据库中已有社工站或账户时拒绝）")
    init.add_argument("--town", required=True, metavar="CODE", help="9 位乡镇(街道)统计用区划代码")
    init.add_argument("--name", required=True, metavar="NAME", help="社工站名称")
    init.add_argument("--admin", required=True, metavar="USER", help="管理员用户名")
    init.add_argument("--password-file", required=True, metavar="FILE", help="存放管理员密码的文件（第一行）")
    init.add_argument("--recovery-file", metavar="FILE",
                      help="把新社工站的恢复码写入这个文件（必填；请打印后锁好，再删除该文件；不覆盖已有文件）")
    init.add_argument("--admin-name", default="副站长", metavar="姓名", help="管理员姓名")
    init.add_argument("--address", default="", help="地址")
    init.add_argument("--phone", default="", help="联系电话")
    demo = sub.add_parser("demo", help="生成演示数据（须以管理员身份运行）")
    demo.add_argument("--residents", type=int, default=1000, metavar="N", help="演示居民人数（最多 100000）")
    _login_arguments(demo)
    backup = sub.add_parser("backup", help="立即备份（须以用户身份运行；--to 只限管理员）")
    backup.add_argument("--to", metavar="DIR", help="备份到指定文件夹（如U盘，只限管理员）；默认是数据库旁的 backups 文件夹")
    _login_arguments(backup)
    restore = sub.add_parser("restore", help="从备份文件恢复（先保留当前数据库的安全副本；现在的数据库能打开时须管理员登录）")
    restore.add_argument("file", metavar="FILE", help="备份文件")
    restore.add_argument("--other-station", action="store_true",
                         help="备份属于另一个乡镇(街道)的社工站时仍然恢复（会用对方的数据替换本站全部数据）")
    _login_arguments(restore, "现在的数据库能打开时必填：以哪个管理员的身份恢复")
    recover = sub.add_parser("recover", help="所有管理员都忘记密码时：用恢复码为一个管理员账户设置新密码")
    recover.add_argument("--recovery-file", required=True, metavar="FILE", help="存放恢复码的文件（第一行）")
    recover.add_argument("--user", required=True, metavar="NAME", help="管理员的用户名")
    recover.add_argument("--password-file", required=True, metavar="FILE", help="存放新密码的文件（第一行）")
    verify = sub.add_parser("verify", help="完整性检查与操作日志校验链；两者都通过时退出码为 0（不显示个人信息）")
    _login_arguments(verify, "用哪个账户的密码解开加密的数据库（或用 --recovery-file）")
    _report_parsers(sub)
    cli_import.add_parser(sub, _login_arguments)
    cli_move.add_parser(sub, _login_arguments)
    from .cli_server import add_prepare_parser
    add_prepare_parser(sub)
    return parser


def _login_arguments(parser, user_help: str = "以哪个用户的身份运行（必填）", recovery: bool = True) -> None:
    """``--user``, ``--password-file`` and (``recovery``) ``--recovery-file`` to unlock with; a command that
    writes a new code there instead (``move-to-server``) declares its own ``--recovery-file``."""
    parser.add_argument("--user", metavar="NAME", help=user_help)
    parser.add_argument("--password-file", metavar="FILE",
                        help="存放该用户密码的文件（第一行；可带 BOM 和换行）；不给时在终端中提示输入")
    if not recovery:
        return
    parser.add_argument("--recovery-file", metavar="FILE",
                        help="存放恢复码的文件：不用账户密码，用恢复码解开加密的数据库（verify、restore）；"
                             "未加密的旧数据库由管理员运行时，加密后把新恢复码写入此文件")


def _report_parsers(sub) -> None:
    report = sub.add_parser("report", help="导出月度报表（工作簿、PDF、清单）并将该月标为已报送（须以管理员身份运行）")
    report.add_argument("--month", required=True, metavar="YYYY-MM", help="报表月份，例如 2024-05")
    report.add_argument("--out", required=True, metavar="DIR", help="保存到的文件夹（如U盘）")
    report.add_argument("--template", metavar="FILE", help="本次使用的县级报表模板（xlsx，含 {{占位符}}）")
    report.add_argument("--zip", action="store_true", help="打包为一个 zip 文件")
    report.add_argument("--reason", default="", metavar="TEXT", help="重新报送已报送月份时的原因")
    _login_arguments(report)
    ledger = sub.add_parser("ledger", help="导出台账（身份证号、电话已脱敏；须以用户身份运行）")
    ledger.add_argument("name", metavar="NAME", help="台账名称，如 visits 或 走访台账")
    ledger.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="起始日期")
    ledger.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="截止日期")
    ledger.add_argument("--out", required=True, metavar="FILE.xlsx", help="保存为")
    _login_arguments(ledger)
    yearly = sub.add_parser("annual", help="年度考核（10月）与第三方评估（12月）的数字；--out 时导出全年数据工作簿"
                                           "（须以用户身份运行）")
    yearly.add_argument("--year", required=True, type=int, metavar="YYYY", help="年度，例如 2024")
    yearly.add_argument("--out", metavar="FILE.xlsx", help="同时导出全年各月数据（与“报表 → 年度数据”的导出相同）")
    _login_arguments(yearly)
    merge = sub.add_parser("county-merge", help="县级汇总：校验并汇总各站导出的月度报表（不需要数据库）")
    merge.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="各站的报表文件夹、zip 或包含它们的文件夹")
    merge.add_argument("--out", required=True, metavar="FILE.xlsx", help="汇总表保存为")
    merge.add_argument("--month", metavar="YYYY-MM", help="只汇总该月（默认取多数报表的月份）")


def _open(path: Path, args):
    """Lock, unlock (an encrypted database: ``--user`` and its password, or ``--recovery-file``), then
    open. The checks come before the lock file is made, so a mistyped ``--db`` leaves nothing behind.
    The integrity check goes on in the background (``_load_while_checking``; on POSIX in a child process,
    ``migrate.start_integrity_check``); ``run`` waits for it before any command touches the data."""
    from .services import encryption
    from .services.opening import open_app_database
    paths.require_existing_database(path)
    lock = InstanceLock(path).acquire()
    try:
        if encryption.inspect(path).kind is encryption.FileKind.ENCRYPTED:
            _unlock(path, args)
        return open_app_database(path, check_in_background=True, one_shot=True), lock
    except BaseException:
        lock.release()
        raise


def _unlock(path: Path, args) -> None:
    """The data key from the recovery code (``--recovery-file``) or from ``--user``'s password (neither
    loads SQLAlchemy: the integrity check starts as soon as the key is known)."""
    from .data.clock import now
    from .services import encryption
    if getattr(args, "recovery_file", None) and not getattr(args, "user", None):
        ring = encryption.KeyRing.load(encryption.keyring_path(path))
        key = ring.unlock_recovery(_read_recovery(args.recovery_file))
        if key is None:
            raise UserError("恢复码不正确，或已被新的恢复码取代。", field="--recovery-file")
        encryption.engine.use_key(path, key, ring.file_id)
        return
    if not getattr(args, "user", None):
        raise UserError("数据库已加密：请用 --user 用户名（密码用 --password-file 文件 提供，或在终端中输入），"
                        "或用 --recovery-file 恢复码文件 解开它。", field="--user")
    args.password = _password(args)
    ring = encryption.unlock(path, args.user, args.password, now())
    args.unlocked_ring = ring


def _encrypt_if_plain(db, user, args):
    """A plain database of an earlier version: encrypted when an administrator runs a command with
    ``--recovery-file`` (the new recovery code is written there); otherwise said on stderr."""
    from .data.clock import now
    from .domain.labels import Role
    from .services import encryption
    if not encryption.needs_encrypting(db):
        return db
    target = getattr(args, "recovery_file", None)
    if user.role is not Role.ADMIN or not target or Path(target).exists():
        print("提示：数据库尚未加密。请管理员在图形界面登录一次，或在命令中加 --recovery-file 新文件 来完成加密。",
              file=sys.stderr)
        return db
    done = encryption.encrypt_plain(db, user, args.password, now())
    _write_private(Path(target), done.recovery_code)
    done.db.acting_for = user.actor
    print(f"数据库已加密。新的恢复码已写入：{target}（请打印后锁好，然后删除这个文件）")
    if done.plain_backups:
        print(f"注意：加密前的 {len(done.plain_backups)} 份备份仍是未加密的；管理员下次在图形界面登录时，"
              "程序会询问是否安全删除它们。")
    return done.db


def _recover(where, args) -> int:
    """使用恢复码 at the command line: the administrator ``--user`` gets the password in ``--password-file``
    (the same service as the log-in window's 忘记密码). ``where``: the station's file (its key file's recovery
    slot), or a ``ServerTarget`` (the code's hash in the server's database)."""
    from .data.clock import now
    from .services import encryption
    from .services.opening import open_app_database
    if isinstance(where, Path):
        paths.require_existing_database(where)
    code = _read_recovery(args.recovery_file)
    password = read_password_file(args.password_file)
    if isinstance(where, Path):
        lock = InstanceLock(where).acquire()
        try:
            db = encryption.recover_admin(where, code, args.user, password, password, now())
            db.close()
        finally:
            lock.release()
    else:
        db = open_app_database(where)
        try:
            encryption.recover_admin(None, code, args.user, password, password, now(), db)
        finally:
            db.close()
    print(f"已用恢复码为管理员“{args.user.strip()}”设置新密码，请用新密码登录。")
    return 0


def _read_recovery(file: str) -> str:
    return read_password_file(file, field="--recovery-file")


def reserve_recovery_file(file: str | None) -> Path:
    """The ``--recovery-file`` a new code goes to, made now (empty, readable by this user only) so that a
    name that cannot be written is said before anything is made; refused when missing or already there (a
    code is never overwritten). Fill it with ``write_recovery_file``; remove it when the step failed."""
    import os
    if not file:
        raise UsageError("缺少必填参数：--recovery-file")
    path = Path(file)
    if path.exists():
        raise UserError(f"恢复码文件“{path.name}”已存在，为免覆盖，请换一个文件名。", field="--recovery-file")
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise UserError(f"无法创建恢复码文件“{path.name}”（{exc.strerror}）：请检查文件夹是否存在、是否可以写入。",
                        field="--recovery-file") from None
    return path


def write_recovery_file(path: Path, code: str) -> None:
    """The code into the file ``reserve_recovery_file`` made (its owner-only mode kept)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(code + "\n")


def set_up_with_code(recovery_file: str | None,
                     create: Callable[[], tuple[Database, str]]) -> tuple[StationInfo | None, Path]:
    """``init``'s station made by ``create`` (returning the open database and the new recovery code), the code
    written to ``--recovery-file`` (reserved first: a name that cannot be written is said before anything is
    made; removed again when the station was not made). Returns the station's details and the file."""
    from .services import station
    recovery = reserve_recovery_file(recovery_file)
    try:
        db, code = create()
    except BaseException:
        recovery.unlink(missing_ok=True)
        raise
    try:
        write_recovery_file(recovery, code)
        with db.session() as s:
            return station.get_station(s), recovery
    finally:
        db.close()


def _init(path: Path, args) -> int:
    """设立: a new encrypted database with the station and its administrator; the recovery code goes
    to ``--recovery-file`` (owner-only), never to the screen or the log."""
    from .data.clock import now
    from .services import encryption
    paths.refuse_folder_as_database(path)
    if not args.recovery_file:
        raise UsageError("缺少必填参数：--recovery-file")
    password = read_password_file(args.password_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(path).acquire()
    try:
        info, recovery = set_up_with_code(args.recovery_file, lambda: encryption.create_station(
            path, args.town, args.name, args.address, args.phone, args.admin, args.admin_name, password, now()))
    finally:
        lock.release()
    print(f"已设立：{info.name}（{info.area_text}，{info.town_code}）。数据库已加密。")
    print(f"恢复码已写入：{recovery}（请打印后锁好，然后删除这个文件）")
    return 0


# --- a station database on a PostgreSQL server (issue 19) ------------------------------------------

def _server_target(args):
    """The server target when ``--db``/``SHUANBAI_DB`` is a PostgreSQL URL, or, when neither is given, the
    station server remembered on this PC (``server_choice``: the wizard's 连接站内服务器); None: a file."""
    import os

    from . import server_choice
    from .data import backend
    raw = args.db or os.environ.get(paths.ENV_DB)
    shared = args.shared_dir
    if not raw:
        chosen = server_choice.remembered()
        if chosen is not None:
            raw, shared = chosen.url, shared or chosen.shared_dir
    if not backend.is_server_url(raw):
        return None
    return backend.parse_server_url(raw, shared)


def _ask_server_password(target) -> str | None:
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    return getpass.getpass(f"数据库服务器 {target.display()} 的密码：")


def _run_on_server(target, args) -> int:
    """The commands on a server database: no instance lock (several PCs write at once), no key file, no
    integrity check of a file. ``backup``/``restore`` are pg_dump's (services/server_backup.py); the recovery
    code (``init``'s ``--recovery-file``, ``recover``) is checked against its hash in the server's database
    (services/server_recovery.py, through services/encryption.py as on a file)."""
    from .data import backend
    backend.set_password_prompt(_ask_server_password)
    if args.command == "restore":
        return _restore_on_server(target, args)
    if args.command == "recover":
        return _recover(target, args)
    if args.command == "init":
        return _init_on_server(target, args)
    from .services.opening import open_app_database
    db = open_app_database(target)
    try:
        _load_while_checking(db, args.command)
        if args.command in AS_USER:
            _log_in(db, args)
        return COMMANDS[args.command](db, args)
    finally:
        db.close()


def _init_on_server(target, args) -> int:
    """设立 on a server database: the station, its administrator and a recovery code (its hash in the
    database); the code goes to ``--recovery-file`` as on a file."""
    from .data.clock import now
    from .services.opening import create_server_station
    password = read_password_file(args.password_file)
    info, recovery = set_up_with_code(args.recovery_file, lambda: create_server_station(
        target, args.town, args.name, args.address, args.phone, args.admin, args.admin_name, password, now()))
    print(f"已设立：{info.name}（{info.area_text}，{info.town_code}），数据库在 {target.display()}。")
    print(f"各电脑共用的文件夹：{target.shared_dir}（加密由服务器负责）")
    print(f"恢复码已写入：{recovery}（请打印后锁好，然后删除这个文件）")
    return 0


def _restore_on_server(target, args) -> int:
    """``restore`` on a server database: an administrator logs in first when the database has accounts;
    an empty one (a new server after a loss) is restored without (``server_backup.restore_needs_user``)."""
    from .services import database_ops, server_backup
    from .services.opening import open_app_database
    if server_backup.restore_needs_user(target):
        db = open_app_database(target)
        try:
            _log_in(db, args)
            new_db, safety = database_ops.restore_into(db, Path(args.file), allow_other_station=args.other_station)
        finally:
            db.close()
    else:
        new_db, safety = server_backup.restore(None, target, Path(args.file), None, args.other_station)
    new_db.close()
    kept = f"恢复前的数据库已保留为：{safety}" if safety else "原来的数据库是空的，无需安全副本。"
    print(f"已从 {Path(args.file).name} 恢复到 {target.display()}。{kept}")
    return 0


def _write_private(path: Path, text: str) -> None:
    """A new file readable by this user only (the recovery code)."""
    import os
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")


def _load_while_checking(db, command: str) -> None:
    """Load the command's own code while the integrity check of the file (``PRAGMA quick_check``,
    about 1 s at 100,000 residents, in SQLite without the GIL) runs in its thread: SQLAlchemy, the
    models and the log-in's services; for ``report`` also what its export would otherwise import on its
    way (about 290 modules: each feature's figures and report section, openpyxl, reportlab's page layout)
    and the PDF's body font (parsed once, as the GUI's report page does in the background). At 100,000
    residents the check outlasts all of this, so the loading costs the command no time of its own.
    Nothing here reads or writes station data.

    The garbage collector waits while this loads (what is loaded lives as long as the process: the
    hundreds of collections it would set off, ~0.3 s at the CLI, find nothing to free), then what was
    loaded is frozen (``gc.freeze``) so that the command's collections and the one at exit do not walk
    it again — the pattern the ``gc`` documentation gives for long-lived start-up objects."""
    import gc
    collecting = gc.isenabled()
    gc.disable()
    try:
        db.engine  # noqa: B018  (SQLAlchemy, the models and the audit trail, made now)
        from sqlalchemy.orm import configure_mappers
        configure_mappers()  # the models' relationships, else set up by the first query (after the check)
        from .services import auth, database_ops  # noqa: F401
        if command == "report":
            from .exports import report_pdf, report_xlsx  # noqa: F401
            from .exports.pdf_fonts import register_fonts
            from .services.report import package, sections  # noqa: F401
            for builder in sections.builders():
                if builder.PACKAGE:
                    sections.month_figures_of(builder.PACKAGE)
            register_fonts()
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _password(args) -> str:
    if args.password_file:
        return read_password_file(args.password_file)
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"用户“{args.user}”的密码：")
    raise UserError("请用 --password-file 文件 提供密码（标准输入不是终端，无法提示输入）。", field="--password-file")


def _log_in(db, args):
    """Log in as ``--user`` (the GUI's log-in: lock-out, one message for every failure), then act
    for that user in every session of ``db``."""
    from .services import auth, database_ops
    database_ops.require_station(db)  # no station, no accounts: say so rather than "wrong password"
    password = _before_log_in(db, args)
    user = auth.log_in(db, args.user, password)
    _refuse_initial_password(user)
    db.acting_for = user.actor
    return user


def _before_log_in(db, args) -> str:
    """The password of ``--user`` (refused without one); failures noted in the key file before the
    open are counted first (a lock-out they caused applies now)."""
    if not args.user:
        raise UserError(f"命令 {args.command} 须以用户身份运行：请加 --user 用户名"
                        "（密码用 --password-file 文件 提供，或在终端中输入）。", field="--user")
    password = getattr(args, "password", None) or _password(args)
    args.password = password
    ring = getattr(args, "unlocked_ring", None)
    if ring is not None:
        from .services import encryption
        encryption.carry_failures(db, ring, args.user)
    return password


def _refuse_initial_password(user) -> None:
    if user.must_change_password:
        raise UserError("该账户的密码是管理员设置的初始密码：请先在图形界面登录并修改密码，再使用命令行。",
                        field="--user")


def _cmd_demo(db, args) -> int:
    """Demo data adds accounts with a published password and thousands of made-up residents: the
    administrator only (``USERS_MANAGE``); the generator itself then runs as the system."""
    from .demo import generate_demo
    from .services.permissions import Permission, require
    with db.session() as s:
        require(s, Permission.USERS_MANAGE)
    count = generate_demo(db, residents=args.residents)
    print(f"已生成演示数据：{count} 位居民，以及社工点和演示账户。")
    return 0


def _cmd_backup(db, args) -> int:
    from .services import backup, database_ops
    database_ops.require_station(db)
    info = database_ops.backup_now(db, BackupKind.MANUAL, dest_dir=Path(args.to) if args.to else None)
    print(f"备份完成：{info.path}（{info.size // 1024} KB，数据表、行数与操作日志已核对）", flush=True)
    if db.server is not None:  # a restore into a scratch database on the server
        from .services import server_backup
        checked = server_backup.verify_and_record(db, info)
    else:
        checked = backup.check_and_record(info)  # no window to hold up here: the full check right away
    print(f"完整性检查：{checked.check}" + ("" if checked.verified else f"（{checked.check_text}）"))
    return 0 if checked.verified or checked.check == backup.READABLE else 1


def _restore(db_path: Path, args) -> int:
    """When the current database opens as usual and has accounts, a user with ``BACKUP_RESTORE``
    logs in to it first (``--user``) and the restore goes through ``restore_into``. Otherwise (the
    file is missing, empty, damaged or not ours: what a restore is most needed for) there is no one
    to ask: it is restored without a log-in, guarded by the operating system (only an account that
    may write the data folder can run this, and it could replace the file anyway) and by the
    backup's own checks (ours, intact, SHA-256 against its sidecar, same township unless
    ``--other-station``). The backup is copied beside the database and checked there (read-only
    media work).

    Encrypted files: the station's database is unlocked first, with ``--user``'s password or
    ``--recovery-file`` (required: only unlocked does it show whether it opens and someone must log
    in); a backup whose key is not the station's is unlocked with the same password or recovery code
    (``encryption.unlock_backup``)."""
    from .services import database_ops, encryption
    paths.refuse_folder_as_database(db_path)
    lock = InstanceLock(db_path).acquire()
    try:
        given = bool(getattr(args, "user", None) or getattr(args, "recovery_file", None))
        # An encrypted station cannot tell whether it opens before it is unlocked: unlock it first (and
        # ask who runs this); a file with no key file beside it is damaged or not ours: no one to ask.
        kind = encryption.inspect(db_path).kind if encryption.keyring_path(db_path).exists() else None
        if kind is encryption.FileKind.ENCRYPTED:
            _unlock(db_path, args)
        backup_file = Path(args.file)
        if given and encryption.keyring_path(backup_file).exists() and encryption.engine.key_for(backup_file) is None:
            if args.recovery_file:
                encryption.unlock_backup(backup_file, code=_read_recovery(args.recovery_file))
            else:
                args.password = getattr(args, "password", None) or _password(args)
                encryption.unlock_backup(backup_file, args.user, args.password)
        if database_ops.restore_needs_user(db_path):
            db = database_ops.open_app_database(db_path)
            try:
                _log_in(db, args)
                new_db, safety = database_ops.restore_into(db, Path(args.file),
                                                           allow_other_station=args.other_station)
            finally:
                db.close()
        else:
            new_db, safety = database_ops.restore_file(db_path, Path(args.file),
                                                       allow_other_station=args.other_station)
        new_db.close()
    finally:
        lock.release()
    kept = f"恢复前的数据库已保留为：{safety}" if safety else "原来没有数据库，无需安全副本。"
    print(f"已从 {Path(args.file).name} 恢复。{kept}")
    return 0


def _cmd_verify(db, args) -> int:
    from .services import database_ops
    result = database_ops.verify(db)
    print(f"完整性检查：{'通过' if result.integrity == 'ok' else result.integrity}")
    print(f"外键检查：{'通过' if not result.foreign_keys else f'{result.foreign_keys} 处问题'}")
    print(result.chain.message)
    return 0 if result.ok else 1


def _cmd_report(db, args) -> int:
    with db.session() as s:
        result = _export_month(s, args)
    return _print_export(result)


def _report_while_checking(db, args) -> int:
    """``report`` on an encrypted station (issue 16): the log-in and the export read while the integrity
    check still runs, in one transaction; it commits, and the package is moved into place, only once the
    check has passed (a damaged file is refused as before, and nothing is written). An encrypted file
    always holds its station, so the command line's "no station yet" question does not arise."""
    from .services import auth
    password = _before_log_in(db, args)
    with auth.logged_in(db, args.user, password, read_before_check=True) as (s, user):
        result = None if user.must_change_password else _export_month(s, args)
    _refuse_initial_password(user)  # after the block: the log-in itself is recorded, as on every path
    assert result is not None
    return _print_export(result)


def _export_month(session, args):
    from .services.report import package
    from .services.report.collect import parse_month
    year, month = parse_month(args.month)
    return package.export_month(session, year, month, Path(args.out), as_zip=args.zip, reason=args.reason,
                                template_file=Path(args.template) if args.template else None)


def _print_export(result) -> int:
    year, month = (int(part) for part in result.month.split("-"))
    print(f"已导出 {year}年{month}月 月度报表 第 {result.version} 版：{result.package}")
    for name in result.files:
        print(f"  {name}")
    if result.version > 1:
        print(f"与上一版相比有 {len(result.changes)} 个数字变化（见工作簿“变更说明”）。")
    if result.open_errors or result.open_warnings:
        print(f"导出时的检查：须更正 {result.open_errors} 项，请核实 {result.open_warnings} 项（在程序“报表”中查看）。")
    print("该月已标为已报送。")
    return 0


def _date_arg(text: str, field: str):
    from datetime import date
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{field}“{text}”格式不对，应为 YYYY-MM-DD。", field=field) from None


def _cmd_ledger(db, args) -> int:
    from .services.report import ledgers
    first, last = _date_arg(args.date_from, "--from"), _date_arg(args.date_to, "--to")
    with db.session() as s:
        result = ledgers.export_ledger(s, args.name, first, last, Path(args.out))
    print(f"已导出{result.ledger}：{result.path}（{result.rows} 行，身份证号、电话已脱敏）")
    return 0


def _cmd_annual(db, args) -> int:
    from datetime import date

    from .services.report import annual
    today = date.today()
    with db.session() as s:
        groups = annual.year_only(s, args.year, today)
    if not groups:
        print(f"{args.year}年：本站没有人员数据，没有年度考核与评估的数字。")
    for group in groups:
        print(group.title)
        for row in group.rows:
            value = "—" if row.value is None else str(row.value)
            unit = row.unit if row.value is not None else ""
            print(f"  {row.label}：{value}{unit}")
    if args.out:
        with db.session() as s:
            target = annual.export_annual(s, args.year, Path(args.out), today=today)
        print(f"已导出 {args.year}年度数据：{target}")
    return 0


def _county_merge(args) -> int:
    """Runs without a station database: the county bureau has none."""
    from .services.report import county
    from .services.report.collect import parse_month
    month = None
    if args.month:
        year, m = parse_month(args.month)
        month = f"{year:04d}-{m:02d}"
    try:
        result = county.merge([Path(p) for p in args.inputs], Path(args.out), month)
    except county.NothingToMerge as exc:
        for o in exc.outcomes:
            print(f"{o.result}：{o.source}（{o.reason}）", file=sys.stderr)
        raise
    print(f"已汇总 {result.county_name} {result.month}：{len(result.accepted)} 个乡镇(街道) → {result.target}")
    for o in result.outcomes:
        if o.result != "已汇总":
            print(f"{o.result}：{o.source}（{o.reason}）", file=sys.stderr)
    if result.missing:
        print(f"本月未报送：{len(result.missing)} 个乡镇(街道)（见汇总表“未报送”）")
    return 0


COMMANDS = {"demo": _cmd_demo, "backup": _cmd_backup, "verify": _cmd_verify,
            "report": _cmd_report, "ledger": _cmd_ledger, "annual": _cmd_annual, "import": cli_import.command,
            "move-to-server": cli_move.command}
# Commands that act as a logged-in user (restore logs in itself, when there is someone to ask).
AS_USER = frozenset({"demo", "backup", "report", "ledger", "annual", "import", "move-to-server"})


def run(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            import os

            from .app import refuse_start, run_gui, run_gui_server
            try:
                server = _server_target(args)
            except UserError as exc:  # a URL the seam refuses (a password in it, no TLS): a message box
                return refuse_start(exc.message, args.smoke_test)
            if server is not None:
                return run_gui_server(server, smoke_test=args.smoke_test)
            try:
                gui_path = paths.resolve_db_path(args.db)
            except DatabaseRefused as exc:  # the PC's shared station, without rights to it: a message box
                return refuse_start(exc.message, args.smoke_test)
            chosen = bool(args.db or os.environ.get(paths.ENV_DB))
            return run_gui(gui_path, smoke_test=args.smoke_test, offer_server=not chosen)
        if args.command == "county-merge":  # no database
            return _county_merge(args)
        if args.command == "server-prepare":  # the server's administrator, before init
            from .cli_server import server_prepare
            return server_prepare(args)
        server = _server_target(args)
        if server is not None:
            return _run_on_server(server, args)
        db_path = paths.resolve_db_path(args.db)
        if args.command == "restore":
            return _restore(db_path, args)
        if args.command == "init":
            return _init(db_path, args)
        if args.command == "recover":
            return _recover(db_path, args)
        db, lock = _open(db_path, args)
        try:
            _load_while_checking(db, args.command)
            if args.command == "report" and getattr(args, "unlocked_ring", None) is not None:
                return _report_while_checking(db, args)
            db.wait_checked()  # a file that failed the check is refused here, as before (exit 2)
            if args.command in AS_USER:
                user = _log_in(db, args)
                db = _encrypt_if_plain(db, user, args)
            return COMMANDS[args.command](db, args)
        finally:
            db.close()
            lock.release()
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:
        if is_disk_full(exc):  # SQLITE_FULL outside a session, or ENOSPC writing a file
            log.warning("command stopped: disk full (%s)", type(exc).__name__)
            print(f"错误：{DiskFull.MESSAGE}", file=sys.stderr)
            return 2
        log.exception("command failed")
        print("发生了意外错误，详情已写入日志文件：" + str(paths.log_dir() / "shuanbai.log"), file=sys.stderr)
        return 1
