"""The recovery code's two windows (issue 17).

``RecoveryCodeDialog`` shows a code just made (at set-up, or 设置 → 安全设置 → 生成新的恢复码): large and
selectable, with 打印… and 保存为 PDF… (exports/recovery_pdf.py), and 继续 only once the user ticked that it
was printed or copied down. Closing it without that tick asks first: the code is not shown again.

``ForgottenPasswordDialog`` (使用恢复码) takes the code, an administrator's user name and a new password
twice, and hands them to ``submit``; a rule not met (``UserError``) is shown at its field.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.password_rules import PASSWORD_RULES
from ..errors import UserError
from ..exports.recovery_pdf import code_rows, lost_text, write_recovery_pdf
from . import messages, output, printing
from .forms import FormErrors
from .password_dialog import password_field
from .widgets import (
    ERROR_STYLE,
    button_row,
    dialog_buttons,
    note,
    push_button,
    set_default_button,
    sized_label,
)

KEPT_TEXT = "我已将恢复码打印或抄写下来，并会妥善保管"
INTRO = ("所有管理员都忘记密码时，只有用这个恢复码才能打开加密的数据。请现在打印（或保存为 PDF 后打印），"
         "把打印件锁进社工站的保险柜。")
SERVER_INTRO = ("所有管理员都忘记密码时，用这个恢复码为管理员设置新密码（登录窗口的“忘记密码”）。"
                "请现在打印（或保存为 PDF 后打印），把打印件锁进社工站的保险柜。")
NOT_SHOWN_AGAIN = ("关闭本窗口后，这个恢复码不会再显示；如果没有保管好，管理员可以在“设置 → 安全设置”中"
                   "生成新的恢复码（旧的随即失效）。")
FILE_WARNING = "保存的 PDF 文件打印后请删除，不要存放在电脑或U盘里；不要拍照，也不要通过微信、QQ 或邮件发送。"
LEAVE_QUESTION = ("您还没有勾选“已将恢复码打印或抄写下来”。\n\n关闭后这个恢复码不会再显示。"
                  "{lost}。\n\n确定不保管恢复码就关闭吗？")
CODE_POINTS = 20
PDF_NAME = "数据恢复码.pdf"


def _code_font() -> QFont:
    """A fixed-width font (Consolas on Windows, else the system's), so that the groups line up in columns."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setFamilies(["Consolas", font.family()])
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(CODE_POINTS)
    return font


def code_text(code: str) -> str:
    """The code as shown on screen: two rows of groups joined by “-” (the form the PDF prints)."""
    return "\n".join("-".join(row) for row in code_rows(code) if row)


class RecoveryCodeDialog(QDialog):
    """Accepted by 继续 (only once ``kept`` is ticked); rejected when the user closes it and confirms leaving
    without the tick. ``printed`` / ``saved_to`` say what was done with the code."""

    def __init__(self, station_name: str, code: str, made_at: datetime, parent: QWidget | None = None,
                 on_server: bool = False):
        super().__init__(parent)
        self._on_server = on_server  # a station server's code: it resets a password, the data stay (its texts)
        self._station_name = station_name
        self._code = code
        self._made_at = made_at
        self.printed = False
        self.saved_to: Path | None = None
        self.setWindowTitle("数据恢复码")
        self.code_label = QLabel(code_text(code))
        self.code_label.setFont(_code_font())
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.code_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it: select with the keys
        self.code_label.setAccessibleName("恢复码")
        self.print_button = push_button("打印…", self.print_code)
        self.save_button = push_button("保存为 PDF…", self.save_pdf)
        self.kept = QCheckBox(KEPT_TEXT)
        self.kept.toggled.connect(self._kept_changed)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.setSpacing(10)
        layout.addWidget(sized_label("数据恢复码", 14, bold=True))
        layout.addWidget(note(f"{self._station_name}　生成时间：{self._made_at:%Y-%m-%d %H:%M}"))
        intro = QLabel(SERVER_INTRO if self._on_server else INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.addWidget(self.code_label)
        layout.addWidget(frame)
        layout.addLayout(button_row(self.print_button, self.save_button))
        layout.addWidget(note(FILE_WARNING))
        layout.addWidget(note(NOT_SHOWN_AGAIN))
        lost, nobody = lost_text(self._on_server)
        layout.addWidget(note(f"{lost}，{nobody}", style=ERROR_STYLE))
        layout.addSpacing(6)
        layout.addWidget(self.kept)
        box = QDialogButtonBox(self)  # in the dialog before 继续 is made its default
        self.continue_button = box.addButton("继续", QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setEnabled(False)
        set_default_button(self.continue_button)
        self.continue_button.clicked.connect(self.accept)
        layout.addWidget(box)
        self.setMinimumWidth(620)
        self.print_button.setFocus()

    def _kept_changed(self, ticked: bool) -> None:
        self.continue_button.setEnabled(ticked)
        if ticked:
            self.continue_button.setDefault(True)

    def _write(self, target: Path) -> bool:
        try:
            write_recovery_pdf(target, self._station_name, self._code, self._made_at, self._on_server)
        except PermissionError:
            messages.error(self, f"无法写入“{target.name}”：文件可能正在其他程序中打开，或没有写入权限。")
            return False
        except UserError as exc:  # a character no shipped font has, in the station's name
            messages.error(self, exc.message)
            return False
        return True

    def print_code(self) -> None:
        """The PDF, made in a private temporary folder and removed after it went to the printer."""
        with tempfile.TemporaryDirectory(prefix="shuanbai-") as folder:
            pdf = Path(folder) / PDF_NAME
            if self._write(pdf) and printing.print_pdf(self, pdf, "数据恢复码"):
                self.printed = True

    def save_pdf(self) -> None:
        suggested = f"数据恢复码_{self._made_at:%Y%m%d}.pdf"
        target = output.ask_save(self, "保存数据恢复码 PDF", suggested, "pdf", output.SLIPS)
        if target is None or not self._write(target):
            return
        self.saved_to = target
        output.show_saved(self, target)

    def reject(self) -> None:
        """Escape and the window's close button: leaving without the tick asks first."""
        question = LEAVE_QUESTION.format(lost=lost_text(self._on_server)[0])
        if self.kept.isChecked() or messages.confirm(self, question, "尚未保管恢复码"):
            super().reject()


class ForgottenPasswordDialog(QDialog):
    """使用恢复码: accepted once ``submit(code, username, new, again)`` returned; a ``UserError`` it raises is
    shown at its field (恢复码, 管理员用户名, 新密码, 再次输入新密码) and the dialog stays."""

    FIELDS = ("恢复码", "管理员用户名", "新密码", "再次输入新密码")

    def __init__(self, submit: Callable[[str, str, str, str], None], parent: QWidget | None = None):
        super().__init__(parent)
        self._submit = submit
        self.setWindowTitle("使用恢复码")
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.code.setMaxLength(80)
        code_font = _code_font()
        code_font.setPointSize(self.font().pointSize() + 2)
        self.code.setFont(code_font)
        self.code.setMinimumWidth(self.code.fontMetrics().horizontalAdvance(self.code.placeholderText()) + 24)
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.new = password_field()
        self.again = password_field()
        self.error_label = QLabel()
        widgets = (self.code, self.username, self.new, self.again)
        fields = dict(zip(self.FIELDS, widgets, strict=True))
        fields.update({"用户名": self.username, "密码": self.new})  # the names auth's rules use
        self.errors = FormErrors(self.error_label, fields)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.addWidget(note("所有管理员都忘记密码时，可以用保管在保险柜里的数据恢复码，"
                              "为一个管理员账户设置新密码。", style=""))
        form = QFormLayout()
        form.addRow("恢复码：", self.code)
        form.addRow("管理员用户名：", self.username)
        form.addRow("新密码：", self.new)
        form.addRow("再次输入新密码：", self.again)
        layout.addLayout(form)
        layout.addWidget(note("恢复码共 40 个字符，可以不输入短横线，大小写均可。" + PASSWORD_RULES))
        layout.addWidget(self.error_label)
        buttons, ok = dialog_buttons(self, "设置新密码")
        ok.clicked.connect(self.save)
        self.ok_button = ok
        layout.addWidget(buttons)

    def save(self) -> None:
        self.errors.clear()
        try:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # unwrapping the key takes a moment
            try:
                self._submit(self.code.text(), self.username.text(), self.new.text(), self.again.text())
            finally:
                QApplication.restoreOverrideCursor()
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()
