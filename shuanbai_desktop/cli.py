"""Command line beside the GUI, through the same services.

Exit codes: 0 success, 2 bad input or usage (Chinese message on stderr), 1 other failures.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__, paths
from .data.lock import InstanceLock
from .domain.labels import BackupKind
from .errors import UserError

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
    parser.add_argument("--db", metavar="PATH", help="数据库文件（也可用环境变量 SHUANBAI_DB）")
    parser.add_argument("--version", action="version", version=f"shuanbai-desktop {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    init = sub.add_parser("init", help="设立社工站并创建管理员账户")
    init.add_argument("--town", required=True, metavar="CODE", help="9 位乡镇(街道)统计用区划代码")
    init.add_argument("--name", required=True, metavar="NAME", help="社工站名称")
    init.add_argument("--admin", required=True, metavar="USER", help="管理员用户名")
    init.add_argument("--password-file", required=True, metavar="FILE", help="存放管理员密码的文件（第一行）")
    init.add_argument("--admin-name", default="副站长", metavar="姓名", help="管理员姓名")
    init.add_argument("--address", default="", help="地址")
    init.add_argument("--phone", default="", help="联系电话")
    demo = sub.add_parser("demo", help="生成演示数据")
    demo.add_argument("--residents", type=int, default=1000, metavar="N", help="演示居民人数（最多 100000）")
    backup = sub.add_parser("backup", help="立即备份")
    backup.add_argument("--to", metavar="DIR", help="备份到指定文件夹（如U盘）；默认是数据库旁的 backups 文件夹")
    restore = sub.add_parser("restore", help="从备份文件恢复（先保留当前数据库的安全副本）")
    restore.add_argument("file", metavar="FILE", help="备份文件")
    sub.add_parser("verify", help="完整性检查与操作日志校验链；两者都通过时退出码为 0")
    return parser


def _open(path: Path):
    from .services.database_ops import open_app_database
    lock = InstanceLock(path).acquire()
    try:
        return open_app_database(path), lock
    except BaseException:
        lock.release()
        raise


def _cmd_init(db, args) -> int:
    from .services import station
    try:
        password = Path(args.password_file).read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        raise UserError(f"无法读取密码文件“{args.password_file}”（应为 UTF-8 文本，第一行是密码）。",
                        field="--password-file") from None
    with db.session() as s:
        info = station.setup_station(s, args.town, args.name, args.address, args.phone,
                                     args.admin, args.admin_name, password)
    print(f"已设立：{info.name}（{info.area_text}，{info.town_code}）")
    return 0


def _cmd_demo(db, args) -> int:
    from .services.demo import generate_demo
    count = generate_demo(db, residents=args.residents)
    print(f"已生成演示数据：{count} 位居民，以及社工点和演示账户。")
    return 0


def _cmd_backup(db, args) -> int:
    from .services import database_ops
    database_ops.require_station(db)
    info = database_ops.backup_now(db, BackupKind.MANUAL, dest_dir=Path(args.to) if args.to else None)
    print(f"备份完成：{info.path}（{info.size // 1024} KB，完整性检查：{info.check}）")
    return 0


def _restore(db_path: Path, args) -> int:
    """Runs without opening the database first: it may be the damaged one being replaced."""
    from .services import database_ops
    lock = InstanceLock(db_path).acquire()
    try:
        new_db, safety = database_ops.restore_file(db_path, Path(args.file))
        new_db.close()
    finally:
        lock.release()
    print(f"已从 {Path(args.file).name} 恢复。恢复前的数据库已保留为：{safety}")
    return 0


def _cmd_verify(db, args) -> int:
    from .services import database_ops
    result = database_ops.verify(db)
    print(f"完整性检查：{'通过' if result.integrity == 'ok' else result.integrity}")
    print(f"外键检查：{'通过' if not result.foreign_keys else f'{result.foreign_keys} 处问题'}")
    print(result.chain.message)
    return 0 if result.ok else 1


COMMANDS = {"init": _cmd_init, "demo": _cmd_demo, "backup": _cmd_backup, "verify": _cmd_verify}


def run(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
        db_path = paths.resolve_db_path(args.db)
        if args.command is None:
            from .app import run_gui
            return run_gui(db_path)
        if args.command == "restore":
            return _restore(db_path, args)
        db, lock = _open(db_path)
        try:
            return COMMANDS[args.command](db, args)
        finally:
            db.close()
            lock.release()
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    except Exception:
        log.exception("command failed")
        print("发生了意外错误，详情已写入日志文件：" + str(paths.log_dir() / "shuanbai.log"), file=sys.stderr)
        return 1
