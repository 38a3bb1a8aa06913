"""全局搜索 (Ctrl+F anywhere in the main window): one box, the hits grouped by kind, Enter opens one.

The search runs as the user types (after a short pause, ``DELAY_MS``) through ``services/global_search``,
which leaves out what the user's role may not read. Keys: ↓ or Enter in the box moves into the results
(Enter with exactly one hit opens it); Enter or double-click on a hit opens it; Escape closes.

A hit opens where its area opens it (``open_hit``): a household, case or window matter through the area's own
method (``report/links.AREA_METHODS``: ``open_household``, ``open_case``, ``window.matter.<id>``); a resident,
staff member, asset or archive file is found in its list (the list's search box set to it, the row chosen)
and opened as Enter on that row does (``open_selected``).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services import global_search
from ..services.global_search import Hit, SearchResult
from ..services.report.layout import RecordRef
from .context import AppContext
from .widgets import NOTE_STYLE

DELAY_MS = 150
HIT_ROLE = Qt.ItemDataRole.UserRole + 1

# kind → (record table for report/links.open_record, navigation key): areas that open one record themselves
AREA_RECORDS = {"household": ("household", "targets.households"), "case": ("case_record", "targets.cases"),
                "window": ("window_registration", "window.matters")}
# kind → the list page that shows it (its ``search_edit`` takes the hit's title)
LIST_PAGES = {"person": "targets.persons", "staff": "staff.roster", "asset": "assets.register",
              "archive": "archives.catalogue"}

PLACEHOLDER = "姓名、拼音首字母、身份证号或电话后几位、受理编号、个案编号、资产编号、档号"


class SearchBox(QLineEdit):
    """The query box: ↓ and Enter hand the keyboard to the results."""

    def __init__(self, dialog: GlobalSearchDialog):
        super().__init__()
        self._dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._dialog.enter_pressed()
            return
        if event.key() == Qt.Key.Key_Down:
            self._dialog.focus_results()
            return
        super().keyPressEvent(event)


class ResultTree(QTreeWidget):
    """The hits under one heading per kind; ↑ on the first hit goes back to the box."""

    def __init__(self, dialog: GlobalSearchDialog):
        super().__init__()
        self._dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._dialog.open_current()
            return
        if event.key() == Qt.Key.Key_Up and self.currentItem() is self._dialog.first_hit_item():
            self._dialog.search_edit.setFocus()
            return
        super().keyPressEvent(event)


class GlobalSearchDialog(QDialog):
    """Not modal: the user may leave it open; ``opened`` is the last hit opened (tests)."""

    def __init__(self, ctx: AppContext, window, parent: QWidget | None = None):
        super().__init__(parent or window)
        self._ctx = ctx
        self._window = window
        self.result: SearchResult | None = None
        self.opened: Hit | None = None
        self.setWindowTitle("全局搜索（Ctrl+F）")
        self.setModal(False)
        self.search_edit = SearchBox(self)
        self.search_edit.setPlaceholderText(PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        font = QFont(self.search_edit.font())
        font.setPointSize(font.pointSize() + 2)
        self.search_edit.setFont(font)
        self.search_edit.textChanged.connect(self._typed)
        self.tree = ResultTree(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["记录", "详情"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.status = QLabel()
        self.status.setStyleSheet(NOTE_STYLE)
        self.status.setWordWrap(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.run_search)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)
        self.resize(860, 560)
        self._show_status()

    # --- searching ---------------------------------------------------------------------------------
    def _kinds_text(self) -> str:
        with self._ctx.session() as s:
            kinds = global_search.searchable_kinds(s)
        return "、".join(global_search.KIND_LABELS[k] for k in kinds)

    def _show_status(self) -> None:
        result = self.result
        if result is None or not result.text:
            self.status.setText(f"在{self._kinds_text()}中搜索。↓ 或 Enter 进入结果，Enter 或双击打开，Esc 关闭。")
        elif not result.groups:
            self.status.setText(f"没有找到“{result.text}”。可以输入姓名的一部分、拼音首字母或编号的一部分。")
        else:
            more = any(g.more for g in result.groups)
            self.status.setText(f"找到 {len(result.hits)} 条" + ("（标“+”的类别还有更多，请多输入几个字缩小范围）" if more else "")
                                + "。↓ 进入结果，Enter 或双击打开。")

    def _typed(self, _text: str) -> None:
        self.timer.start()

    def run_search(self) -> None:
        """Search now for what is in the box (the timer calls it after a pause in typing)."""
        self.timer.stop()
        with self._ctx.session() as s:
            self.result = global_search.search(s, self.search_edit.text(), date.today())
        self._fill(self.result)
        self._show_status()

    def _fill(self, result: SearchResult) -> None:
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for group in result.groups:
            heading = QTreeWidgetItem([group.heading, ""])
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            heading.setFont(0, bold)
            self.tree.addTopLevelItem(heading)
            for hit in group.hits:
                item = QTreeWidgetItem(["    " + hit.title, hit.detail])
                item.setData(0, HIT_ROLE, hit)
                item.setToolTip(1, hit.detail)
                self.tree.addTopLevelItem(item)

    def hit_items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item.data(0, HIT_ROLE) is not None]

    def first_hit_item(self) -> QTreeWidgetItem | None:
        items = self.hit_items()
        return items[0] if items else None

    # --- keys --------------------------------------------------------------------------------------
    def enter_pressed(self) -> None:
        """Enter in the box: search at once; one hit opens, several put the keyboard on the first."""
        if self.timer.isActive() or self.result is None or self.result.text != global_search.clean_query(
                self.search_edit.text()):
            self.run_search()
        items = self.hit_items()
        if len(items) == 1:
            self.tree.setCurrentItem(items[0])
            self.open_current()
        elif items:
            self.focus_results()

    def focus_results(self) -> None:
        if self.timer.isActive():
            self.run_search()
        first = self.first_hit_item()
        if first is not None:
            self.tree.setFocus()
            self.tree.setCurrentItem(first)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.tree.setCurrentItem(item)
        self.open_current()

    def open_current(self) -> None:
        item = self.tree.currentItem()
        hit = item.data(0, HIT_ROLE) if item is not None else None
        if hit is None:
            return
        self.opened = hit
        self.hide()
        open_hit(self._ctx, self._window, hit)

    def show_again(self) -> None:
        """Ctrl+F again: the box focused with the last query selected, ready to type over (its results read
        again: records may have changed meanwhile)."""
        if self.search_edit.text().strip():
            self.run_search()
        self.show()
        self.raise_()
        self.activateWindow()
        self.search_edit.setFocus()
        self.search_edit.selectAll()


def open_hit(ctx: AppContext, window, hit: Hit) -> None:
    """Open ``hit`` in its area, as that area opens the record."""
    if hit.kind in AREA_RECORDS:
        from .report.links import open_record
        table, key = AREA_RECORDS[hit.kind]
        open_record(ctx, window, RecordRef(table, hit.id, hit.title, key), window.navigate)
        return
    key = LIST_PAGES[hit.kind]
    if not window.navigate(key):
        return
    page = window.area_widget(key.split(".", 1)[0]).pages[key]
    page.search_edit.setText(hit.title)
    if not _select(page, hit.id):
        _widen(page)  # the record is hidden by a filter (another village, a scrapped asset …)
        _select(page, hit.id)
    page.table.setFocus()
    page.open_selected()


def _select(page, record_id: int) -> bool:
    if hasattr(page, "select_person"):  # the paged person list
        page.select_person(record_id)
        return page.selected_id() == record_id
    page.select(record_id)
    chosen = page.selected()
    return chosen is not None and chosen.id == record_id


FILTERS = ("village_filter", "group_filter", "status_filter", "status_combo", "category_filter", "place_filter",
           "year_filter", "retention_filter", "cabinet_filter")


def _widen(page) -> None:
    """Set a list's filters to show everything (全部…, with past records: staff who left, scrapped assets,
    destroyed files), so that the search box alone decides."""
    for name in FILTERS:
        combo = getattr(page, name, None)
        if combo is None:
            continue
        index = combo.findData("all")
        if index < 0:
            index = combo.findData(None)
        if index >= 0:
            combo.setCurrentIndex(index)
    destroyed = getattr(page, "destroyed_check", None)
    if destroyed is not None:
        destroyed.setChecked(True)


def show_search(window) -> GlobalSearchDialog:
    """Ctrl+F: the window's one search dialog, made on first use."""
    dialog = getattr(window, "search_dialog", None)
    if dialog is None:
        dialog = GlobalSearchDialog(window.ctx, window)
        window.search_dialog = dialog
    dialog.show_again()
    return dialog
