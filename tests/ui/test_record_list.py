"""The shared pieces of the list pages: the record-list page (buttons for the chosen record, double-click
and Enter open it, the choice kept across a reload) and the one attachments dialog with preset descriptions."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout

from shuanbai_desktop.services import attachments
from shuanbai_desktop.ui.attachments_dialog import AttachmentsDialog
from shuanbai_desktop.ui.record_list import RecordListPage
from shuanbai_desktop.ui.staff.roster_page import RosterPage
from shuanbai_desktop.ui.table_model import Column
from shuanbai_desktop.ui.widgets import push_button
from tests.ui.helpers import click
from tests.ui.test_staff_common import show, with_demo


@dataclass(frozen=True)
class Row:
    id: int
    name: str


class FruitPage(RecordListPage):
    def __init__(self, ctx, rows):
        super().__init__(ctx, (Column("名称", lambda r: r.name),))
        self.rows = rows
        self.opened: list[str] = []
        self.exported: list[object] = []
        self.open_button = self.row_button("打开…", self.open_selected)
        self.export_button = push_button("导出…", self.export)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.open_button)
        layout.addWidget(self.export_button)
        self.refresh()

    def load(self, session):
        return self.rows

    def open_selected(self) -> None:
        self.opened.append(self.selected().name)

    def export(self, target=None) -> None:
        self.exported.append(target)


def _cell_centre(page, row: int):
    return page.table.visualRect(page.model.index(row, 0)).center()


def test_row_buttons_follow_the_choice_and_the_choice_survives_a_reload(qtbot, ctx):
    page = show(qtbot, FruitPage(ctx, [Row(1, "苹果"), Row(2, "香蕉")]))
    assert not page.open_button.isEnabled()
    page.table.selectRow(1)
    assert page.open_button.isEnabled()
    page.rows = [Row(3, "橙子"), Row(1, "苹果"), Row(2, "香蕉")]
    page.refresh()
    assert page.selected() == Row(2, "香蕉") and page.open_button.isEnabled()
    page.rows = [Row(3, "橙子")]
    page.refresh()
    assert page.selected() is None and not page.open_button.isEnabled()


def test_double_click_and_enter_open_the_record(qtbot, ctx):
    page = show(qtbot, FruitPage(ctx, [Row(1, "苹果"), Row(2, "香蕉")]))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=_cell_centre(page, 0))
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=_cell_centre(page, 0))
    assert page.opened == ["苹果"]
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.opened == ["苹果", "香蕉"]


def test_a_button_calls_its_slot_without_qt_checked_flag(qtbot, ctx):
    page = show(qtbot, FruitPage(ctx, [Row(1, "苹果")]))
    click(qtbot, page.export_button)
    assert page.exported == [None]  # not False: export(target=None) asks where to save


def test_staff_attachments_use_the_shared_dialog_with_preset_descriptions(qtbot, ctx, tmp_path):
    with_demo(ctx.db)
    page = show(qtbot, RosterPage(ctx))
    page.table.selectRow(0)
    worker = page.selected()
    page.open_files()
    dialog = page.dialog
    assert isinstance(dialog, AttachmentsDialog) and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # open(), not a blocking exec()
    assert [dialog.kind_combo.itemText(i) for i in range(dialog.kind_combo.count())][:4] == [
        "证件照", "身份证复印件", "学历证书", "职业资格证书"]
    dialog.kind_combo.setCurrentIndex(3)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 test")
    dialog.add_file(scan)
    QApplication.processEvents()
    with ctx.session() as s:
        rows = attachments.list_attachments(s, ctx.db.path, "staff_member", worker.id)
    assert [r.description for r in rows] == ["职业资格证书"]
    assert dialog.model.rowCount() == 1 and not dialog.empty.isVisible()
