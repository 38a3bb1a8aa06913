"""The small pieces every area builds its screens from: the colours, tables, button rows, notes,
dates, money, combo boxes. Look here before writing a widget helper in an area package.

Colours: a few, each with one meaning. Rows and texts that need attention are RED (overdue, missing,
refused) or AMBER (soon due, in repair, a warning); GREEN says done or in order; GREY dims records that
no longer count (closed, left, scrapped); NOTE_GREY is for hints under a form.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import SIGNAL, QDate, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from .dialog_keys import install_dialog_keys
from .table_model import RowsTableModel

# --- colours ------------------------------------------------------------------------------------------
RED = "#b3261e"
AMBER = "#9a6700"
GREEN = "#1e7e34"
GREY = "#80868b"
NOTE_GREY = "#5f6368"
BLUE = "#0b57d0"
# Charts (ui/charts.py) and the 工作台 panels: quiet blues and greys, one orange for a line over bars.
CHART_BAR = "#4a7fc1"
CHART_BAR_PARTIAL = "#a9c2e3"  # the running month: figures so far
CHART_LINE = "#c0622b"
CHART_AXIS = "#9aa0a6"
CHART_GRID = "#e3e6ea"
CHART_TEXT = "#3c4043"
PANEL_BACKGROUND = "#f7f9fb"
PANEL_BORDER = "#d5dae0"
PANEL_HOVER = "#eef3fb"
NOTICE_BACKGROUND = "#fdf8e8"  # a dismissable notice (快速上手)
NOTICE_BORDER = "#e6d9a8"
HEADER_SHADE = "#d3e3fd"  # rows marked as header rows in a preview (导入数据)

NOTE_STYLE = f"color: {NOTE_GREY};"
OK_STYLE = f"color: {GREEN};"
WARN_STYLE = f"color: {AMBER};"
ERROR_STYLE = f"color: {RED};"
# The one frame round whatever has the keyboard focus (ui/focus_frame.py): a QFocusFrame styled alone, so
# no other widget loses its platform look.
FOCUS_FRAME_STYLE = f"QFocusFrame {{ border: 2px solid {BLUE}; border-radius: 3px; }}"


# --- tables -------------------------------------------------------------------------------------------
class TooltipRowsModel(RowsTableModel):
    """Rows whose full cell text is also the tooltip (long titles and village lists are elided in the cell)."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)


def make_table(model, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting table whose last column takes the spare width."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def fit_columns(view: QTableView, max_width: int = 320) -> None:
    """Size columns to their contents, but keep any one column from eating the table."""
    view.resizeColumnsToContents()
    for column in range(view.model().columnCount() - 1):
        view.setColumnWidth(column, min(view.columnWidth(column) + 16, max_width))


def selected_row(view: QTableView) -> int | None:
    rows = view.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def selected_rows(view: QTableView) -> list[Any]:
    """The chosen records of a table over a RowsTableModel, top to bottom."""
    indexes = sorted(view.selectionModel().selectedRows(), key=lambda index: index.row())
    return [view.model().row(index.row()) for index in indexes]


# --- buttons and notes --------------------------------------------------------------------------------
def push_button(text: str, slot: Callable[[], Any]) -> QPushButton:
    """A button that calls ``slot()``.

    Connected to the ``clicked()`` overload, so a slot with optional parameters (``export(target=None)``)
    gets none, not Qt's ``checked`` flag; and to the bound method itself, not a lambda around it, so the
    connection ends with its page (a lambda holding the page kept pages alive past the application)."""
    button = QPushButton(text)
    QObject.connect(button, SIGNAL("clicked()"), slot)
    return button


def button_row(*buttons: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    if not stretch_first:
        row.addStretch(1)
    return row


def fit_placeholder(edit: QLineEdit, extra: int = 28) -> QLineEdit:
    """A line edit at least as wide as its placeholder text (plus the frame and the clear button), so the
    hint is not cut off on a 1366×768 screen."""
    width = edit.fontMetrics().horizontalAdvance(edit.placeholderText()) + extra
    edit.setMinimumWidth(max(edit.minimumWidth(), width))
    return edit


def note(text: str = "", style: str = NOTE_STYLE) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


def sized_label(text: str, points: int, bold: bool = False) -> QLabel:
    """A label in a font of its own size (headings: the log-in and lock screens, 工作台's greeting)."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(points)
    font.setBold(bold)
    label.setFont(font)
    return label


def form_label(text: str) -> QLabel:
    """A field name for a grid-laid form, aligned as ``QFormLayout``'s labels (right, middle)."""
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


# --- lists with check boxes ---------------------------------------------------------------------------
KEY_ROLE = Qt.ItemDataRole.UserRole  # what a checked item stands for (an id, a code)


def check_item(text: str, key: Any = None, checked: bool = False) -> QListWidgetItem:
    item = QListWidgetItem(text)
    if key is not None:
        item.setData(KEY_ROLE, key)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


def fill_checklist(widget: QListWidget, items: Iterable[tuple[Any, str]], checked: Collection = ()) -> None:
    """``items`` are (key, text); those whose key is in ``checked`` are ticked."""
    widget.clear()
    for key, text in items:
        widget.addItem(check_item(text, key, key in checked))


def list_items(widget: QListWidget) -> list[QListWidgetItem]:
    return [widget.item(i) for i in range(widget.count())]


def checked_keys(widget: QListWidget) -> tuple:
    return tuple(item.data(KEY_ROLE) for item in list_items(widget) if item.checkState() == Qt.CheckState.Checked)


def set_checked(widget: QListWidget, keys: Iterable) -> None:
    wanted = set(keys)
    for item in list_items(widget):
        item.setCheckState(Qt.CheckState.Checked if item.data(KEY_ROLE) in wanted else Qt.CheckState.Unchecked)


def dialog_buttons(dialog: QDialog, ok_text: str = "保存") -> tuple[QDialogButtonBox, QPushButton]:
    """保存/取消 with Chinese texts whatever Qt translations are installed; ``ok`` is not auto-accepting.

    Enter presses ``ok`` from any field: the box is the dialog's child before ``ok`` is made the default
    (a default set outside the dialog is not the dialog's: the first button Tab passed, 取消, became it),
    and 取消 never takes the default when Tab passes it. The dialog opens with focus in its first field
    and Escape asks before throwing typed input away (``dialog_keys``)."""
    box = QDialogButtonBox(dialog)
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    set_default_button(ok, cancel)
    cancel.clicked.connect(dialog.reject)
    install_dialog_keys(dialog)
    return box, ok


def set_default_button(ok: QPushButton, *others: QPushButton) -> None:
    """``ok`` the button Enter presses; ``others`` (取消, 退出) never become it when Tab passes them.
    Call once ``ok`` is inside its dialog (its window is the dialog)."""
    for button in others:
        button.setAutoDefault(False)
    ok.setDefault(True)


class KindAmountRows(QWidget):
    """Rows of (a kind from ``enum``, an amount, a note) with 添加/删除所选 below: 享受待遇, 收入来源."""

    def __init__(self, enum, default, headers: tuple[str, str, str], add_text: str, amount_width: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._enum = enum
        self._default = default
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, amount_width)
        self.add_button = push_button(add_text, self.add_row)
        self.remove_button = push_button("删除所选", self.remove_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(button_row(self.add_button, self.remove_button))

    def add_row(self, kind=None, amount: str = "", text: str = "") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = fill_enum(QComboBox(), self._enum)
        select_data(combo, (kind or self._default).value)
        self.table.setCellWidget(row, 0, combo)
        self.table.setCellWidget(row, 1, QLineEdit(amount))
        self.table.setCellWidget(row, 2, QLineEdit(text))
        return row

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def rows(self) -> list[tuple[Any, str, str]]:
        """(kind, amount as typed, note) of each row."""
        return [(self._enum(self.table.cellWidget(r, 0).currentData()), self.table.cellWidget(r, 1).text(),
                 self.table.cellWidget(r, 2).text()) for r in range(self.table.rowCount())]


# --- dates --------------------------------------------------------------------------------------------
EARLIEST_DATE = date(1950, 1, 1)


def date_edit(value: date | None = None, *, not_after_today: bool = False) -> QDateEdit:
    """A yyyy-MM-dd date with a calendar, today unless ``value`` is given; from 1950 on."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(EARLIEST_DATE))
    if not_after_today:
        edit.setMaximumDate(QDate(date.today()))
    edit.setDate(QDate(value or date.today()))
    return edit


def date_value(edit: QDateEdit) -> date:
    return edit.date().toPython()


def day_text(day: date | None) -> str:
    """2024-03-05, or an empty cell for no date."""
    return f"{day:%Y-%m-%d}" if day else ""


# --- money and names ----------------------------------------------------------------------------------
def money(value: Decimal | None) -> str:
    """1,234.50 (yuan), or an empty cell."""
    return "" if value is None else f"{value:,.2f}"


VILLAGE_SUFFIXES = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("村民委员会", "村"),
                    ("居民委员会", "社区"), ("居委会", "社区"))


def short_village(name: str) -> str:
    """东平村民委员会 → 东平村, 东城社区居委会 → 东城社区: lists and combo boxes need the short form."""
    for long, short in VILLAGE_SUFFIXES:
        if name.endswith(long):
            return name[: -len(long)] + short
    return name


# --- combo boxes --------------------------------------------------------------------------------------
def select_data(combo: QComboBox, value) -> None:
    """Choose the item whose data is ``value`` (the first item when none is)."""
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def fill_combo(combo: QComboBox, items, empty: str | None = None) -> QComboBox:
    """Items are (data, text); ``empty`` adds a first entry with data None."""
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for data, text in items:
        combo.addItem(text, data)
    return combo


def fill_enum(combo: QComboBox, enum, skip: Sequence = ()) -> QComboBox:
    """Add the members' labels with their codes (``member.value``) as data."""
    for member in enum:
        if member not in skip:
            combo.addItem(member.label, member.value)
    return combo


def name_combo(names: list[str], current: str = "", placeholder: str = "选择或输入姓名") -> QComboBox:
    """An editable list of names: pick a colleague or type anyone else."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(names)
    combo.setCurrentText(current)
    combo.lineEdit().setPlaceholderText(placeholder)
    combo.lineEdit().setMaxLength(40)
    return combo


def data_as(combo: QComboBox, enum):
    """The current item's data as a member of ``enum`` (Qt hands string enums back as plain str)."""
    value = combo.currentData()
    return None if value is None else enum(value)


@contextmanager
def busy_cursor() -> Iterator[None]:
    """The wait cursor while a short piece of work runs in the GUI thread (unlocking a key, a set-up)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
