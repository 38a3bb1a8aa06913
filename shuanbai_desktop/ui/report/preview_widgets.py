"""The pieces of the monthly page: the figures preview, the checks with their records, the versions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from ...services.report.layout import Check, RecordRef, Sheet, display
from ...services.report.versions import ExportInfo
from ..table_model import Column
from ..widgets import AMBER, GREEN, NOTE_GREY, RED

LEVEL_COLOR = {"error": RED, "warning": AMBER}
GROUP_BRUSH = QBrush(QColor("#eef2f6"))


class PreviewTree(QTreeWidget):
    """项目 | 数值 | 单位, grouped by sheet and group, as the workbook has them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderLabels(["项目", "数值", "单位"])
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.setColumnWidth(1, 190)
        self.setColumnWidth(2, 48)

    def show_sheets(self, sheets: tuple[Sheet, ...], column_value=None, label=None) -> None:
        """``column_value(row)`` picks the value shown (default: the row's own), ``label(row)`` its text."""
        self.clear()
        pick = column_value or (lambda row: row.value)
        name = label or (lambda row: row.label)
        for sheet in sheets:
            top = QTreeWidgetItem([sheet.title])
            top.setFirstColumnSpanned(True)
            self.addTopLevelItem(top)
            for group in sheet.groups:
                g = QTreeWidgetItem(top, [group.title])
                g.setFirstColumnSpanned(True)
                g.setBackground(0, GROUP_BRUSH)
                for row in group.rows:
                    item = QTreeWidgetItem(g, [name(row).strip("　"), display(pick(row)), row.unit])
                    item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    item.setToolTip(0, row.source)
                    item.setToolTip(1, display(pick(row)))
                    item.setData(0, Qt.ItemDataRole.UserRole, row.key)
                g.setExpanded(not group.family)
            top.setExpanded(True)
            top.setFirstColumnSpanned(True)

    def value_text(self, key: str) -> str | None:
        """The shown value of the figure ``key`` (tests, and a reader's cross-check)."""
        for item in self._items():
            if item.data(0, Qt.ItemDataRole.UserRole) == key:
                return item.text(1)
        return None

    def _items(self):
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))


class ChecksTree(QTreeWidget):
    """Each check with its records; double-clicking a record asks to open it."""

    open_record = Signal(object)  # RecordRef

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderLabels(["检查结果", "数量"])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setStretchLastSection(False)
        self.setColumnWidth(1, 52)
        self.itemActivated.connect(self._activated)
        self.checks: list[Check] = []

    def show_checks(self, checks: list[Check]) -> None:
        self.clear()
        self.checks = list(checks)
        if not checks:
            ok = QTreeWidgetItem(["未发现需要处理的问题。", ""])
            ok.setForeground(0, QBrush(QColor(GREEN)))
            self.addTopLevelItem(ok)
            return
        for check in checks:
            top = QTreeWidgetItem([f"【{check.level_text}】{check.title}", str(check.count)])
            top.setForeground(0, QBrush(QColor(LEVEL_COLOR[check.level])))
            top.setToolTip(0, check.hint)
            self.addTopLevelItem(top)
            hint = QTreeWidgetItem(top, [f"处理办法：{check.hint}", ""])
            hint.setForeground(0, QBrush(QColor(NOTE_GREY)))
            for ref in check.records:
                item = QTreeWidgetItem(top, [f"　{ref.text}", ""])
                item.setData(0, Qt.ItemDataRole.UserRole, ref)
                item.setToolTip(0, "双击打开这条记录")
            if check.count > len(check.records):
                QTreeWidgetItem(top, [f"　……另有 {check.count - len(check.records)} 条未列出", ""])

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        ref = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(ref, RecordRef):
            self.open_record.emit(ref)


HISTORY_COLUMNS = [
    Column("版本", lambda e: f"第 {e.version} 版"),
    Column("导出时间", lambda e: f"{e.exported_at:%Y-%m-%d %H:%M}"),
    Column("导出人", lambda e: e.exported_by),
    Column("文件夹/压缩包", lambda e: e.package_name),
    Column("数字变化", lambda e: "—" if e.version == 1 else f"{len(e.changes)} 项", align_right=True),
    Column("重新报送原因", lambda e: e.reason),
]


def changes_text(info: ExportInfo) -> str:
    if info.version == 1:
        return "第 1 版是首次报送，没有可比较的上一版。"
    if not info.changes:
        return f"第 {info.version} 版与第 {info.version - 1} 版相比没有数字变化。"
    lines = [f"{c.label.strip('　')}：{display(c.old)} → {display(c.new)} {c.unit}".rstrip() for c in info.changes]
    return f"第 {info.version} 版与第 {info.version - 1} 版相比，{len(lines)} 个数字有变化：\n" + "\n".join(lines)

