"""``server-prepare``: the station server's administrator makes the empty database ``init`` needs (issue 19,
docs/server.md). The work is ``services/server_prepare.prepare``; here are its arguments, the passwords
(never on the command line) and what to do next."""

from __future__ import annotations

import getpass
import sys

from .errors import UserError
from .password_file import read_password_file

MIN_ROLE_PASSWORD = 12


def add_prepare_parser(sub) -> None:
    prepare = sub.add_parser("server-prepare",
                             help="服务器管理员在 init 之前运行：在站内 PostgreSQL 服务器上建立登录角色、归它所有的空数据库"
                                  "和所需扩展（可重复运行；已有别的程序数据表的数据库会被拒绝）")
    prepare.add_argument("--admin-url", required=True, metavar="URL",
                         help="服务器管理员的连接，例如 postgresql+psycopg://postgres@服务器地址/postgres"
                              "（密码用 PGPASSWORD 或 pgpass 文件，或在终端中输入）")
    prepare.add_argument("--database", required=True, metavar="NAME", help="社工站的数据库名，例如 shuanbai")
    prepare.add_argument("--role", required=True, metavar="NAME", help="各电脑连接用的登录角色，例如 shuanbai")
    prepare.add_argument("--role-password-file", metavar="FILE",
                         help="存放新登录角色密码的文件（第一行）；不给时在终端中输入两次。角色已存在时不用，也不更改它的密码")


def _ask_admin(target) -> str | None:
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    return getpass.getpass(f"服务器管理员 {target.username or ''} 的密码（{target.display()}）：")


def _role_password(args) -> str:
    if args.role_password_file:
        password = read_password_file(args.role_password_file, field="--role-password-file")
    elif sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(f"新登录角色 {args.role} 的密码：")
        if getpass.getpass("再输入一次：") != password:
            raise UserError("两次输入的密码不一致，未作任何改动。", field="--role-password-file")
    else:
        raise UserError(f"登录角色“{args.role}”还不存在，需要它的密码：请用 --role-password-file 文件 提供，"
                        "或在终端中运行以便输入。", field="--role-password-file")
    if len(password) < MIN_ROLE_PASSWORD:
        raise UserError(f"登录角色的密码至少要 {MIN_ROLE_PASSWORD} 个字符（各电脑连接数据库用它，请用长一些的随机密码）。",
                        field="--role-password-file")
    return password


def server_prepare(args) -> int:
    from pathlib import Path

    from .data import backend
    from .server_choice import build_url
    from .services import server_prepare as service
    # The administrator's connection keeps no files: the shared folder parse_server_url wants is not used.
    admin = backend.parse_server_url(args.admin_url, Path.cwd())
    done = service.prepare(admin, args.database, args.role, lambda: _role_password(args),
                           lambda: _ask_admin(admin))
    database, role = args.database.strip(), args.role.strip()
    url = build_url(admin.host or "", admin.port, database, role, admin.sslmode)
    print(f"站内服务器上的数据库已准备好（PostgreSQL {done.server_version}）：")
    print(f"  登录角色 {role}：{'新建' if done.role_created else '已存在（密码未改）'}")
    if done.database_created:
        state = f"新建（UTF8，所有者 {role}）"
    elif done.owner_changed:
        state = f"已存在，空的，所有者改为 {role}"
    else:
        state = "已存在"
    print(f"  数据库 {database}：{state}")
    for name in service.EXTENSIONS:
        print(f"  扩展 {name}：{'已安装' if name in done.extensions_created else '已有'}")
    print(f"各电脑连接用的地址（--db 或环境变量 SHUANBAI_DB；密码不写在地址里）：\n  {url}")
    if done.holds_station:
        print("这个数据库里已有社工站的数据：不用再 init，各电脑直接连接即可。")
        return 0
    print("下一步：在任一台电脑上设立社工站（或在程序首次启动的向导中选“连接站内服务器”）：")
    print(f"  shuanbai-desktop --db \"{url}\" --shared-dir 共用文件夹 init --town 乡镇区划代码 --name 社工站名称 "
          "--admin 管理员用户名 --password-file 管理员密码文件 --recovery-file 恢复码文件")
    return 0
