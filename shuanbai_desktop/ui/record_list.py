"""The record-list page: one list of records from a service, the buttons that act on the chosen
record, double-click or Enter to open it, and reloading. The list pages of every area build on it.

A subclass passes its columns (or a ready model, e.g. ``persons.paged_model.PagedModel``), lays out its
own filters and buttons around ``self.table``, and gives:

- ``load(session) -> rows``: the rows, read in the one transaction of ``refresh()``. A page that reads more
  than the rows in that transaction overrides ``refresh()`` and hands the rows to ``show_rows(rows)``;
- ``open_selected()``: what double-click or Enter on a row does (nothing by default);
- ``update_buttons(row)``: texts and states that depend on the chosen record (``row`` may be None).

It gets ``self.model``, ``self.table``, ``self.notice`` (what the last change did, in green; the page puts
it where it wants it), ``self.dialog`` (the dialog last opened: tests and the idle lock reach it),
``selected()``, ``selected_or_say(message, title)``, ``select(key)``, ``row_button(text, slot)`` (enabled only
while a record is chosen) and ``open_dialog(dialog, done)``. Its headers sort the list (``sort_header``, one
mechanism for every list: in memory for ``RowsTableModel``, by the database for ``PagedModel``); a page whose
order is the station's own (事项目录, 转办部门) sets ``sortable = False``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from . import messages
from .context import AppContext
from .table_model import Column
from .widgets import (
    NOTE_STYLE,
    OK_STYLE,
    TooltipRowsModel,
    fit_columns,
    make_table,
    note,
    push_button,
    selected_row,
)


class RecordListPage(QWidget):
    max_column_width = 260  # fit_columns: no column wider than this after a reload
    select_first = False  # after a reload with nothing chosen, choose the first record
    sortable = True  # header clicks sort the list (``sort_header``); False where the order is the station's own

    def __init__(self, ctx: AppContext, columns: Sequence[Column] = (), parent: QWidget | None = None, *,
                 model=None, row_color: Callable[[Any], str | None] | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.dialog: QDialog | None = None
        if model is None:
            model = TooltipRowsModel(columns, row_color=row_color)
        self.model = model
        self.table = make_table(model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.activated.connect(self._activated)
        if self.sortable:
            sort_header(self.table)
        self.notice = note(style=OK_STYLE)
        self._row_buttons: list[QPushButton] = []

    # --- the records ------------------------------------------------------------------------------
    def load(self, session) -> Sequence[Any]:
        raise NotImplementedError

    def refresh(self, *_args) -> None:
        with self._ctx.session() as s:
            rows = self.load(s)
        self.show_rows(rows)

    def show_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows``, keep the chosen record chosen, update the buttons."""
        chosen = self.selected()
        self.model.set_rows(rows)
        fit_columns(self.table, self.max_column_width)
        if chosen is not None:
            self.select(self.row_key(chosen))
        if self.select_first and self.selected() is None and self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def row_key(self, row: Any) -> Any:
        """What identifies a record across reloads."""
        return row.id

    def selected(self) -> Any | None:
        row = selected_row(self.table)
        if row is None:
            return None
        return self.model.row(row)

    def selected_or_say(self, message: str, title: str) -> Any | None:
        """The chosen record; with none chosen, ``message`` in a message box (buttons that stay enabled)."""
        row = self.selected()
        if row is None:
            messages.error(self, message, title)
        return row

    def select(self, key: Any) -> None:
        for index, row in enumerate(self.model.rows):
            if self.row_key(row) == key:
                self.table.selectRow(index)
                return

    # --- buttons and dialogs ----------------------------------------------------------------------
    def row_button(self, text: str, slot: Callable[[], Any]) -> QPushButton:
        """A button for the chosen record: enabled only while one is chosen."""
        button = push_button(text, slot)
        self._row_buttons.append(button)
        return button

    def update_buttons(self, row: Any | None) -> None:
        """Texts and states that depend on the chosen record, beyond the row buttons' enabling."""

    def _update_buttons(self, *_args) -> None:
        row = self.selected()
        for button in self._row_buttons:
            button.setEnabled(row is not None)
        self.update_buttons(row)

    def open_selected(self) -> None:
        """Double-click or Enter on a record."""

    def _activated(self, *_args) -> None:
        self.open_selected()

    def open_dialog(self, dialog: QDialog, done: str | Callable[[], Any] | None = None) -> QDialog:
        """Open ``dialog`` without blocking. When it is accepted: ``done`` as a notice text (after a reload)
        or ``done()``. The dialog is deleted when it closes."""
        if isinstance(done, str):
            text = done
            dialog.accepted.connect(lambda: self._changed(text))
        elif done is not None:
            dialog.accepted.connect(done)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _changed(self, text: str) -> None:
        self.refresh()
        self.notice.setText(text)


class _SortGuard(QObject):
    """Keeps the header's arrow on the column the list is sorted by: a click on a column that does not sort
    puts it back."""

    def __init__(self, table: QTableView):
        super().__init__(table)
        self._table = table
        self._last = (-1, Qt.SortOrder.AscendingOrder)
        table.horizontalHeader().sortIndicatorChanged.connect(self._changed)

    def _changed(self, column: int, order: Qt.SortOrder) -> None:
        model = self._table.model()
        if column >= 0 and hasattr(model, "can_sort") and not model.can_sort(column):
            self._table.horizontalHeader().setSortIndicator(*self._last)
            return
        self._last = (column, order)


def sort_header(table: QTableView) -> None:
    """The one way a list sorts by its headers: a click asks the model to ``sort`` (``RowsTableModel``: in
    memory; ``PagedModel``: the database orders the ids); a second click reverses; a third returns to the
    list's own order. The list opens in its own order (no arrow)."""
    header = table.horizontalHeader()
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    header.setSortIndicatorClearable(True)
    table.setSortingEnabled(True)
    _SortGuard(table)


def count_label() -> QLabel:
    """How many records the filters found, grey, at the right end of the button row."""
    label = QLabel()
    label.setStyleSheet(NOTE_STYLE)
    return label


def filter_bars(filters: Sequence[QWidget], buttons: Sequence[QWidget], count: QLabel) -> QVBoxLayout:
    """The filter row (the first filter, the search box, twice as wide as the others) above the button row
    (the buttons on the left, ``count`` on the right): the long lists of persons, households and cases."""
    filter_row = QHBoxLayout()
    filter_row.addWidget(filters[0], 2)
    for widget in filters[1:]:
        filter_row.addWidget(widget, 1)
    button_row = QHBoxLayout()
    for button in buttons:
        button_row.addWidget(button)
    button_row.addStretch(1)
    button_row.addWidget(count)
    bars = QVBoxLayout()
    bars.addLayout(filter_row)
    bars.addLayout(button_row)
    return bars
