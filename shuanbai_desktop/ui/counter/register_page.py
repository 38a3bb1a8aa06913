"""窗口登记: find or create the resident, fill the matter, 登记 (Ctrl+S), print the 告知单 (Ctrl+P).

Keyboard: arriving here puts the keys in the search box; type (zs, ID digits, phone): Enter takes
the one resident found and moves on, or with several found goes into the list (↑↓, Enter picks);
nobody found: F2 opens 新建居民 with what was typed. A 事项 typed by its number (or picked from its
list, which ↓ opens) moves the focus on to the materials; Enter moves from field to field; Ctrl+S
registers; Ctrl+P prints the 一次性告知单 of the registration just made (or the one selected in
今日登记), Ctrl+Shift+S saves it as PDF; Ctrl+Shift+P the 转办单; Ctrl+N starts afresh in the search
box (Ctrl+F is the main window's 全局搜索).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.counter_labels import Status
from ...errors import UserError
from ...services import persons
from ...services.permissions import Permission
from ...services.window import queries, registration
from ..context import AppContext
from ..forms import FormErrors
from ..persons.picker import PersonPicker
from ..table_model import Column, RowsTableModel
from ..widgets import NOTE_STYLE, OK_STYLE, fit_columns, make_table
from .common import URGENCY_COLORS, EnterMovesOn, install_enter
from .materials_panel import MaterialsPanel
from .papers import NOTICE, TRANSFER, print_paper, save_paper
from .register_form import RegistrationForm

TODAY_COLUMNS = (Column("受理编号", lambda r: r.ticket_no), Column("时间", lambda r: f"{r.registered_at:%H:%M}"),
                 Column("居民", lambda r: r.person_name), Column("事项", lambda r: r.matter_name),
                 Column("状态", lambda r: r.status_text), Column("预计办结", lambda r: r.due_text))


class RegistrationPage(QWidget):
    """``openRequested(id)``: show a registration in 事项办理; ``registered(id)`` after each save."""

    openRequested = Signal(int)
    registered = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.printer = self.saver = None  # tests replace the print dialog and the save dialog
        self.current_id: int | None = None
        self._enter = EnterMovesOn(self)
        self.form = RegistrationForm(ctx)
        self.materials = MaterialsPanel()
        self.form.matterChanged.connect(self.materials.show_matter)
        self.materials.show_matter(self.form.current_matter)
        self.picker_box = QGroupBox("办事居民")
        QVBoxLayout(self.picker_box)
        self.picker: PersonPicker | None = None
        self._new_picker()
        self._build_buttons()
        self._build_today()
        self._build_layout()
        self._shortcuts()
        install_enter(self._enter, *self.form.focus_order(), self.materials.list)
        self._tab_order()
        self._set_read_only(not ctx.can(Permission.WINDOW_REGISTER))
        self.refresh()

    # --- building ------------------------------------------------------------------
    def _new_picker(self) -> None:
        if self.picker is not None:
            self.picker.setParent(None)
            self.picker.deleteLater()
        self.picker = PersonPicker(self._ctx)
        self.picker.personChosen.connect(self._person_chosen)
        self.picker_box.layout().addWidget(self.picker)

    def _make_errors(self) -> None:
        """Field errors; made again with each new picker, whose search box stands for 办事居民."""
        self.errors = FormErrors(self.error_label, {**self.form.fields(), "办事居民": self.picker.search_edit,
                                                    "已收材料": self.materials.list})

    def _tab_order(self) -> None:
        """search → 新建居民 → channel → matter → materials → … → due date → 登记."""
        fields = self.form.focus_order()
        chain = [self.picker.search_edit, self.picker.new_button, *fields[:2], self.materials.list, *fields[2:],
                 self.register_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _build_buttons(self) -> None:
        self.register_button = QPushButton("登记（Ctrl+S）")
        self.register_button.clicked.connect(self.register)
        install_enter(self._enter, self.register_button)
        self.new_button = QPushButton("新登记（Ctrl+N）")
        self.new_button.clicked.connect(self.new_registration)
        self.error_label = QLabel()
        self._make_errors()
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setStyleSheet(OK_STYLE)
        self.print_button = QPushButton("打印告知单（Ctrl+P）")
        self.print_button.clicked.connect(lambda: self.print_current(NOTICE))
        self.transfer_button = QPushButton("打印转办单（Ctrl+Shift+P）")
        self.transfer_button.clicked.connect(lambda: self.print_current(TRANSFER))
        self.save_pdf_button = QPushButton("告知单另存为 PDF…（Ctrl+Shift+S）")
        self.save_pdf_button.clicked.connect(self.save_notice)
        self.open_button = QPushButton("查看办理记录")
        self.open_button.clicked.connect(self.open_current)

    def _build_today(self) -> None:
        self.today_model = RowsTableModel(TODAY_COLUMNS, row_color=lambda r: URGENCY_COLORS.get(r.urgency))
        self.today_table = make_table(self.today_model)
        self.today_table.setTabKeyNavigation(False)
        self.today_table.clicked.connect(lambda index: self._select_today(index.row()))
        self.today_table.activated.connect(lambda index: self.openRequested.emit(self.today_model.row(index.row()).id))
        self.today_label = QLabel()
        self.today_label.setStyleSheet(NOTE_STYLE)

    def _build_layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(self.picker_box, 3)
        details = QGroupBox("登记内容")
        QVBoxLayout(details).addWidget(self.form)
        column.addWidget(details)
        column.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        row.addWidget(self.register_button)
        column.addLayout(row)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(6, 0, 0, 0)
        side.addWidget(self.materials, 2)
        side.addWidget(self._saved_box())
        today = QGroupBox("今日登记")
        box = QVBoxLayout(today)
        box.addWidget(self.today_table)
        box.addWidget(self.today_label)
        side.addWidget(today, 3)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)
        QVBoxLayout(self).addWidget(splitter)

    def _saved_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.saved_label)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.transfer_button, self.save_pdf_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    def _shortcuts(self) -> None:
        for keys, slot in (("Ctrl+S", self.register), ("Ctrl+P", lambda: self.print_current(NOTICE)),
                           ("Ctrl+Shift+P", lambda: self.print_current(TRANSFER)),
                           ("Ctrl+Shift+S", self.save_notice),
                           ("Ctrl+N", self.new_registration)):  # Ctrl+F: the main window's 全局搜索
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        # Ctrl+N from anywhere in the window while this page is shown (the navigation column too): a hidden
        # page's shortcut is not active, so no other area hears it.
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)

    def _set_read_only(self, read_only: bool) -> None:
        if read_only:
            for widget in (self.picker_box, self.form, self.materials, self.register_button, self.new_button):
                widget.setEnabled(False)
            self.saved_label.setStyleSheet(NOTE_STYLE)
            self.saved_label.setText(f"“{self._ctx.user.role.short}”角色只能查看窗口登记，不能登记、办理或打印。")

    def showEvent(self, event) -> None:
        """Arriving here (the area, the tab, a key) puts the keys in the search box, unless the user is
        walking down another list (the navigation column) with the arrow keys."""
        super().showEvent(event)
        if not event.spontaneous() and not self._passing_through():
            self.focus_search()

    def _passing_through(self) -> bool:
        focus = QApplication.focusWidget()
        return (isinstance(focus, QAbstractItemView) and not self.isAncestorOf(focus)
                and QApplication.mouseButtons() == Qt.MouseButton.NoButton
                and not QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier)

    # --- actions -------------------------------------------------------------------
    def focus_search(self) -> None:
        self.picker.search_edit.setFocus()
        self.picker.search_edit.selectAll()

    def _person_chosen(self, person_id: int) -> None:
        with self._ctx.session() as s:
            row = persons.rows_for(s, [person_id])
        self.form.set_person_phone(row[0].phone_masked if row else "")
        self.form.channel.setFocus()

    def register(self) -> None:
        if not self._ctx.can(Permission.WINDOW_REGISTER):
            return
        self.errors.clear()
        data = self.form.input(self.picker.chosen_id(), self.materials.received())
        try:
            with self._ctx.session() as s:
                saved = registration.register(s, data)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.current_id = saved.id
        text = f"已登记：受理编号 {saved.ticket_no}，预计 {saved.due_date:%Y-%m-%d} 办结。"
        self.saved_label.setText(text + (f"（{saved.due_note}）" if saved.due_note else "") + "按 Ctrl+P 打印告知单。")
        self.new_registration(keep_message=True)
        self.refresh()
        self.registered.emit(saved.id)

    def new_registration(self, keep_message: bool = False) -> None:
        self.errors.clear()
        if not keep_message:
            self.saved_label.clear()
        self._new_picker()
        self._make_errors()
        self._tab_order()
        self.form.reload()
        self.form.reset()
        self._update_buttons()
        self.focus_search()

    def open_current(self) -> None:
        """Show the registration just made (or chosen in 今日登记) in 事项办理."""
        if self.current_id is not None:
            self.openRequested.emit(self.current_id)

    def save_notice(self) -> Path | None:
        """告知单另存为 PDF (Ctrl+Shift+S): the registration just made or the one chosen in 今日登记."""
        if not self._ctx.can(Permission.WINDOW_REGISTER):
            return None
        return save_paper(self._ctx, self, self.current_id, NOTICE, self.saver)

    def print_current(self, kind: str) -> bool:
        if print_paper(self._ctx, self, self.current_id, kind, self.printer):
            self.saved_label.setText(f"已发送打印：{kind}。")
            return True
        return False

    def _select_today(self, row: int) -> None:
        item = self.today_model.row(row)
        self.current_id = item.id
        self.saved_label.setText(f"已选：{item.ticket_no} {item.person_name} {item.matter_name}（{item.status_text}）")
        self._update_buttons()

    def _update_buttons(self) -> None:
        rows = {r.id: r for r in self.today_model.rows}
        current = rows.get(self.current_id)
        printable = current is not None and current.status is not Status.VOID
        self.open_button.setEnabled(printable)
        writer = self._ctx.can(Permission.WINDOW_REGISTER)  # printing is the counter's work, as registering
        for button in (self.print_button, self.save_pdf_button):
            button.setEnabled(writer and printable)
        self.transfer_button.setEnabled(writer and current is not None and current.status is Status.TRANSFERRED)

    def refresh(self) -> None:
        today = date.today()
        with self._ctx.session() as s:
            rows = queries.today_register(s, today)
        self.today_model.set_rows(rows)
        fit_columns(self.today_table, 200)
        self.today_label.setText(f"今日共登记 {len(rows)} 件。双击或回车查看办理记录。")
        self._update_buttons()
