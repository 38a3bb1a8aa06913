"""A table over a long id list: rows are loaded block by block as they are shown, never all at once.

``set_ids`` takes the ids in display order (cheap: one indexed query); every row counts from the start
(``rowCount`` is the number of ids: Ctrl+End or the scroll bar reach the last of 100,000 rows at once, no
``fetchMore`` steps); ``data`` loads only the block a painted row falls in and keeps at most ``MAX_BLOCKS``
blocks in memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from ..table_model import Column

BLOCK = 200
MAX_BLOCKS = 30


class PagedModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], loader: Callable[[list[int]], list[Any]],
                 row_color: Callable[[Any], str | None] | None = None, parent=None):
        super().__init__(parent)
        self._columns = list(columns)
        self._loader = loader
        self._row_color = row_color
        self._ids: list[int] = []
        self._blocks: OrderedDict[int, list[Any]] = OrderedDict()
        self.loads = 0  # how many blocks were read (for tests and the benchmark)
        self.order: tuple[str, bool] | None = None  # (Column.order, descending) chosen by a header click
        self.reorder: Callable[[], None] | None = None  # the page reads the ids again in that order

    def can_sort(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and self._columns[column].order is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: the database orders the ids (the page's ``reorder`` asks the service with
        ``self.order``); nothing is sorted here. Column -1: the list's own order."""
        chosen = None
        if self.can_sort(column):
            chosen = (self._columns[column].order or "", order == Qt.SortOrder.DescendingOrder)
        elif column >= 0:
            return  # not sortable: the page puts the header's arrow back
        if chosen == self.order:
            return
        self.order = chosen
        if self.reorder is not None:
            self.reorder()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._blocks = OrderedDict()
        self.endResetModel()

    def reload(self) -> None:
        """Forget cached rows (after an edit) but keep the ids and the scroll position."""
        self._blocks.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1))

    @property
    def total(self) -> int:
        return len(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, record_id: int) -> int | None:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def row(self, row: int) -> Any | None:
        block = row // BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            ids = self._ids[block * BLOCK:(block + 1) * BLOCK]
            loaded = {r.id: r for r in self._loader(ids)}
            rows = [loaded.get(i) for i in ids]
            self._blocks[block] = rows
            self.loads += 1
            while len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block)
        return rows[row % BLOCK]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        record = self.row(index.row())
        if record is None:
            return "（已删除）" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.ForegroundRole:
            from PySide6.QtGui import QBrush, QColor
            color = self._row_color(record) if self._row_color else None
            return QBrush(QColor(color)) if color else None
        value = self._columns[index.column()].value(record)
        return "" if value is None else str(value)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header
        return None
