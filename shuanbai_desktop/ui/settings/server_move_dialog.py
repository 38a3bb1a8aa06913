"""设置 → 备份与恢复 → 迁移到服务器…: an administrator moves the station's file into an empty database on the
station server (services/server_move.py).

The dialog asks where the server is (服务器, 端口, 数据库名, 用户名), its password (never stored: handed to
the move and the test, then cleared) and the folder every PC of the station reaches (共用文件夹: attachments
and the audit trail's key). 测试连接 says whether the server is reached and its database is empty. The move
runs in a background thread with its progress shown; at the end the dialog says what was moved and where
each PC now connects, and shows the server's new recovery code in the set-up's window (``RecoveryCodeDialog``:
the file's code cannot be carried to the server). The open file is from then on only read
(data/moved_station.py).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...data.base import now
from ...domain.labels import Role
from ...errors import UserError
from .. import messages
from ..background import Job
from ..context import AppContext
from ..forms import FormErrors
from ..output import BACKUPS, ask_folder
from ..password_dialog import password_field
from ..recovery_dialog import RecoveryCodeDialog
from ..widgets import OK_STYLE, busy_cursor, dialog_buttons, note, push_button

log = logging.getLogger(__name__)

CONFIRM = ("迁移会把本站的全部数据、附件和操作日志复制到服务器上的数据库：\n    {where}\n\n"
           "迁移前程序先做一份备份；迁移在服务器上一次完成，途中出错时服务器上的数据库保持为空。\n\n"
           "迁移完成后，这台电脑上的数据库文件保留，但只能查看、不能再录入或修改；"
           "各电脑（包括这一台）都要改为连接站内服务器。\n\n迁移期间请不要在其他窗口录入数据。确定开始迁移吗？")


def applicable(ctx: AppContext) -> bool:
    """A station file (not yet on a server) and an administrator."""
    return ctx.db.server is None and ctx.user.role is Role.ADMIN


class MoveBox(QGroupBox):
    """The 迁移到服务器 entry of 备份与恢复 (hidden unless ``applicable``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("迁移到服务器（仅管理员）", parent)
        self._ctx = ctx
        self.dialog: ServerMoveDialog | None = None
        row = QHBoxLayout(self)
        self.text = note("一台电脑不够用时，可以把本站数据迁移到站内服务器（PostgreSQL），各电脑同时使用。"
                         "迁移后本机文件只能查看。准备服务器见 docs/server.md。")
        self.button = push_button("迁移到服务器…", self.open_dialog)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.setVisible(applicable(ctx))
        if applicable(ctx):
            self.show_moved()

    def show_moved(self) -> None:
        from ...data.moved_station import moved_to
        with self._ctx.session() as s:
            where = moved_to(s)
        if where:
            self.text.setText(f"本站数据已迁移到服务器 {where}，这个文件只能查看。")
            self.button.setEnabled(False)

    def open_dialog(self) -> None:
        self.dialog = ServerMoveDialog(self._ctx, self)
        self.dialog.finished.connect(self._closed)
        self.dialog.open()

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.show_moved()


class ServerMoveDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.result_text = ""
        self.recovery_dialog: RecoveryCodeDialog | None = None
        self._started_at = now()
        self.setWindowTitle("迁移到服务器")
        self.host = QLineEdit()
        self.host.setPlaceholderText("如 192.168.1.20 或 zhanserver")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.port.setMaximumWidth(110)
        self.database = QLineEdit()
        self.database.setPlaceholderText("服务器上新建的空数据库，如 qiaodong")
        self.username = QLineEdit()
        self.username.setPlaceholderText("登录角色，如 zhanzhang")
        self.password = password_field()
        self.password.setPlaceholderText("不保存；也可用 pgpass 密码文件")
        self.shared = QLineEdit()
        self.shared.setPlaceholderText(r"如 \\zhanserver\shuanbai 或 Z:\shuanbai")
        self.choose_button = push_button("选择…", self.choose_shared)
        shared_row = QHBoxLayout()
        shared_row.setContentsMargins(0, 0, 0, 0)
        shared_row.addWidget(self.shared, 1)
        shared_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow("服务器：", self.host)
        form.addRow("端口：", self.port)
        form.addRow("数据库名：", self.database)
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        form.addRow("共用文件夹：", shared_row)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "服务器": self.host, "--db": self.host, "数据库名": self.database, "用户名": self.username,
            "密码": self.password, "共用文件夹": self.shared, "--shared-dir": self.shared})
        self.test_button = push_button("测试连接", self.test_connection)
        self.test_label = note(style=OK_STYLE)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_label, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.progress_label = note()
        self.result_label = note(style=OK_STYLE)
        self.result_label.hide()
        self.buttons, self.move_button = dialog_buttons(self, "开始迁移")
        self.move_button.clicked.connect(self.start_move)
        self.close_button: QPushButton = next(b for b in self.buttons.buttons()
                                              if self.buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole)
        self.job = Job(self)
        self.job.progressed.connect(self._progressed)
        self.job.finished.connect(self._moved)
        self.job.failed.connect(self._failed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.addWidget(note("把本站迁入站内服务器上的一个空数据库（管理员事先按 docs/server.md 准备好，或用 "
                              "server-prepare 命令）。连接其他电脑上的服务器时，传输一律加密（TLS）。", style=""))
        layout.addLayout(form)
        layout.addWidget(note("共用文件夹：各电脑都能读写的文件夹（服务器上的共享文件夹），附件和操作日志密钥放在"
                              "那里；附件在其中不加密保存，请只给本站人员的账户访问权限。"))
        layout.addLayout(test_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        self._inputs: tuple[QWidget, ...] = (self.host, self.port, self.database, self.username, self.password,
                                             self.shared, self.choose_button, self.test_button, self.move_button)

    # --- the form -----------------------------------------------------------------------------

    def choose_shared(self) -> None:
        chosen = ask_folder(self, "选择各电脑共用的文件夹", BACKUPS, self.shared.text().strip() or None)
        if chosen is not None:
            self.shared.setText(str(chosen))

    def target(self):
        """The server target the fields name; ``UserError`` at the field that is wrong."""
        from sqlalchemy.engine import URL

        from ...data import backend
        host, database, user = self.host.text().strip(), self.database.text().strip(), self.username.text().strip()
        if not host:
            raise UserError("请填写服务器的地址（IP 地址或电脑名）。", field="服务器")
        if not database:
            raise UserError("请填写服务器上数据库的名称。", field="数据库名")
        if not user:
            raise UserError("请填写登录数据库的用户名。", field="用户名")
        if not self.shared.text().strip():
            raise UserError("请选择各电脑共用的文件夹（附件和操作日志密钥放在那里）。", field="共用文件夹")
        url = URL.create("postgresql+psycopg", username=user, host=host, port=self.port.value(), database=database)
        return backend.parse_server_url(url.render_as_string(hide_password=False), self.shared.text().strip())

    def _password(self) -> str | None:
        return self.password.text() or None

    def test_connection(self) -> None:
        from ...services import server_move
        self.errors.clear()
        self.test_label.clear()
        try:
            with busy_cursor():
                self.test_label.setText(server_move.check_target(self.target(), self._password()))
        except UserError as exc:
            self.errors.show(exc)

    # --- the move -----------------------------------------------------------------------------

    def start_move(self) -> None:
        self.errors.clear()
        try:
            target = self.target()
        except UserError as exc:
            self.errors.show(exc)
            return
        if not messages.confirm(self, CONFIRM.format(where=target.display()), "迁移到服务器"):
            return
        from ...services import server_move
        password, actor, db, at = self._password(), self._ctx.user.actor, self._ctx.db, now()
        self._started_at = at
        self._busy(True)
        self.job.start(lambda progress: server_move.move_to_server(db, target, actor, at, progress, password))

    def _busy(self, running: bool) -> None:
        for widget in self._inputs:
            widget.setEnabled(not running)
        self.close_button.setEnabled(not running)
        self.progress.setVisible(True)
        if running:
            self.progress.setValue(0)
        self.adjustSize()

    def _progressed(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.progress_label.setText(text)

    def _moved(self, result) -> None:
        self.password.clear()
        self._busy(False)
        for widget in self._inputs:
            widget.setEnabled(False)  # moved: the file is read-only from now on
        self.close_button.setText("关闭")
        missing = (f"；{result.missing_attachments} 个附件在本机附件库中已缺失或损坏，未能迁移"
                   if result.missing_attachments else "")
        self.result_text = (f"迁移完成：{result.rows} 行数据（{len(result.tables)} 个数据表）已迁入 {result.server}，"
                            f"逐表行数一致；{result.attachments} 个附件文件已放入共用文件夹{missing}。"
                            f"服务器上的{result.chain_message}\n迁移前的备份：{result.backup_file.name}。\n"
                            "这台电脑上的数据库文件已标为“已迁移”，此后只能查看。请退出程序，各电脑在启动时选择"
                            f"“连接站内服务器”：{result.server}，共用文件夹 {result.shared_dir}。\n"
                            "服务器上的社工站有新的恢复码（已显示，请打印并锁好）；原来的恢复码只能打开这台电脑上的旧文件。")
        self.result_label.setText(self.result_text)
        self.result_label.show()
        self.progress_label.clear()
        self.adjustSize()  # room for the result
        if result.recovery_code:
            self.show_recovery_code(result.recovery_code)

    def show_recovery_code(self, code: str) -> None:
        """The server's new recovery code, in the set-up's window (to print or write down)."""
        self.recovery_dialog = RecoveryCodeDialog(self._ctx.station.name, code, self._started_at, self,
                                                  on_server=True)
        self.recovery_dialog.finished.connect(self._recovery_dialog_closed)
        self.recovery_dialog.open()

    def _recovery_dialog_closed(self) -> None:
        if self.recovery_dialog is not None:
            self.recovery_dialog.deleteLater()
            self.recovery_dialog = None

    def _failed(self, exc: BaseException) -> None:
        self.password.clear()
        self._busy(False)
        self.progress.hide()
        self.progress_label.clear()
        if isinstance(exc, UserError):
            self.errors.show(exc)
            return
        log.error("move to the server failed", exc_info=exc)
        self.errors.show(UserError("迁移没有完成，发生了意外错误（详情已写入日志文件）。服务器上的数据库已恢复为空，"
                                   "本机数据未作改动。"))
