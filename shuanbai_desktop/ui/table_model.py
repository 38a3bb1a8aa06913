"""A read-only table model over a list of rows (frozen dataclasses from services), sortable by its headers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor


@dataclass(frozen=True)
class Column:
    """One column of a list. Its header sorts the list (``sort_header``): a list in memory by ``sort_key``
    (else the value shown: numbers as numbers, empty cells last); a paged list (persons) by the database
    ordering named ``order`` (a column without one does not sort there). ``sortable=False``: never."""

    header: str
    value: Callable[[Any], Any]
    align_right: bool = False
    sort_key: Callable[[Any], Any] | None = None
    order: str | None = None
    sortable: bool = True


def sort_value(value: Any) -> tuple[int, Any]:
    """How a cell compares: numbers (also “4,299.00”, “12 天”) before text; text by its characters."""
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, int | float | Decimal):
        return (0, float(value))
    if isinstance(value, date):
        return (1, value.isoformat())
    text = str(value).strip()
    match = NUMBER.fullmatch(text)
    if match:
        return (0, float(match.group(1).replace(",", "")))
    return (1, text)


NUMBER = re.compile(r"(-?[\d,]*\.?\d+)\s*[^\d\s]{0,2}")  # 4,299.00 / 12 天 / 81% / 3 岁


def _empty(value: Any) -> bool:
    return value is None or value == ""


class RowsTableModel(QAbstractTableModel):
    """Rows in memory; use for lists that are small by nature (users, points, backups). Sorted by a header
    click in memory (``sort``); the order chosen stays across ``set_rows``."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent=None,
                 row_color: Callable[[Any], str | None] | None = None):
        super().__init__(parent)
        self._columns = list(columns)
        self._source = list(rows)  # in the service's order
        self._rows = list(rows)  # as shown
        self._row_color = row_color
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._source = list(rows)
        self._rows = self._ordered()
        self.endResetModel()

    def can_sort(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and self._columns[column].sortable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: rows by that column (empty cells last either way); column -1: the service's order.
        The chosen rows stay chosen (persistent indexes follow their rows)."""
        if column >= 0 and not self.can_sort(column):
            return  # the header's arrow goes back (record_list.sort_header)
        self._sorted = (column, order) if column >= 0 else None
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [self._rows[index.row()] for index in before]
        self._rows = self._ordered()
        where = {id(row): number for number, row in enumerate(self._rows)}
        after = [self.index(where[id(row)], index.column()) for row, index in zip(held, before, strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _ordered(self) -> list[Any]:
        if self._sorted is None:
            return list(self._source)
        column_number, order = self._sorted
        column = self._columns[column_number]
        key = column.sort_key or column.value
        keyed = [(key(row), row) for row in self._source]
        filled = [(sort_value(k), row) for k, row in keyed if not _empty(k)]
        filled.sort(key=lambda pair: pair[0], reverse=order == Qt.SortOrder.DescendingOrder)
        return [row for _, row in filled] + [row for k, row in keyed if _empty(k)]

    def row(self, index: int) -> Any:
        return self._rows[index]

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._row_color:
            color = self._row_color(row)
            return QBrush(QColor(color)) if color else None
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header
        return None
