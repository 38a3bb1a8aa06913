"""``shuanbai-desktop move-to-server --to URL --shared-dir DIR --user NAME --recovery-file FILE``: 迁移到服务器
without a window (services/server_move.py), as an administrator of the station file (``--db``, or the usual one).
The server station's new recovery code (the file's cannot be carried) goes to ``--recovery-file``, a new file
made (owner-only) before the move starts and removed again when the move fails.

The server's password: ``PGPASSWORD``, the pgpass file, or a prompt when standard input is a terminal (the
seam's, data/backend.py); never on the command line. Exit 0 when moved and verified on the server; 2 when
refused (not an administrator, a target that is not empty, the server not reached …), with nothing changed
on the server; 1 for a bug.
"""

from __future__ import annotations

from .errors import UserError


def add_parser(sub, login_arguments) -> None:
    """The ``move-to-server`` subcommand (cli.py calls this with its ``_login_arguments``)."""
    parser = sub.add_parser("move-to-server",
                            help="迁移到服务器：把本站的全部数据、附件和操作日志迁入站内服务器上的空数据库（须以管理员身份运行）",
                            description="把本机数据库迁入站内服务器（PostgreSQL）上的一个空数据库。迁移前先做一份核对过的"
                                        "备份；迁移在服务器上一次完成，失败时服务器上的数据库保持为空。迁移后本机文件保留，"
                                        "只能查看。")
    parser.add_argument("--to", required=True, metavar="URL",
                        help="服务器上的空数据库：postgresql+psycopg://用户名@服务器:端口/数据库名"
                             "（密码用 PGPASSWORD 或 pgpass 文件，或在终端中输入）")
    parser.add_argument("--shared-dir", dest="move_shared_dir", metavar="DIR",
                        help="各电脑共用的文件夹（附件和操作日志密钥放在那里；也可放在 --db 之前，或用 SHUANBAI_SHARED_DIR）")
    parser.add_argument("--recovery-file", dest="new_recovery_file", required=True, metavar="FILE",
                        help="服务器上社工站的新恢复码写入这个新文件（请打印后锁好，再删除该文件；不覆盖已有文件）。"
                             "原来的恢复码只能打开本机的旧文件")
    login_arguments(parser, recovery=False)


class _Printer:
    """Progress on standard output, a line each tenth (a long move shows that it goes on)."""

    def __init__(self) -> None:
        self.shown = -10

    def __call__(self, percent: int, text: str = "") -> None:
        if percent >= self.shown + 10 or percent == 100:
            self.shown = percent - percent % 10
            print(f"{percent:3d}% {text}", flush=True)


def command(db, args) -> int:
    from .cli import _ask_server_password, reserve_recovery_file, write_recovery_file
    from .data import backend
    from .data.base import now
    from .services import server_move
    if db.server is not None:
        raise UserError("--db 应是本机的数据库文件（迁移的来源），--to 是服务器上的空数据库。", field="--db")
    target = backend.parse_server_url(args.to, args.move_shared_dir or args.shared_dir)
    backend.set_password_prompt(_ask_server_password)
    recovery = reserve_recovery_file(args.new_recovery_file)
    try:
        result = server_move.move_to_server(db, target, db.acting_for, now(), _Printer())
    except BaseException:
        recovery.unlink(missing_ok=True)
        raise
    write_recovery_file(recovery, result.recovery_code)
    print(f"迁移完成：{result.rows} 行数据（{len(result.tables)} 个数据表）已迁入 {result.server}，"
          f"逐表行数一致。")
    print(f"附件：{result.attachments} 个文件已放入共用文件夹 {result.shared_dir / 'attachments'}"
          + (f"；{result.missing_attachments} 个附件在本机附件库中已缺失或损坏，未能迁移" if result.missing_attachments
             else "") + "。")
    print(f"服务器上的{result.chain_message}")
    print(f"迁移前的备份：{result.backup_file}")
    print(f"本机数据库文件已保留并标为“已迁移”，此后只能查看。各电脑请改用：--db {args.to} "
          f"--shared-dir {result.shared_dir}")
    print(f"服务器上社工站的恢复码已写入：{recovery}（请打印后锁好，然后删除这个文件；原来的恢复码只能打开本机的旧文件）")
    return 0
