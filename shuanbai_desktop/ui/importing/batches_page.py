"""设置 → 导入数据 (administrator only): the import batches, newest first; 导入新文件… opens the wizard;
撤销所选批次… undoes a batch while none of its records has been used since, else lists what blocks it."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QGroupBox, QPlainTextEdit, QVBoxLayout, QWidget

from ...services.importing import batch
from ...services.importing.base import ImportKind
from .. import messages
from ..context import AppContext
from ..forms import run_write
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import GREY, button_row, note, push_button
from .check_pages import result_text
from .wizard import ImportWizard

BLOCKERS_SHOWN = 50  # lines of blockers listed; the rest counted


def status_text(row) -> str:
    if row.undone_at is None:
        return row.status
    return f"{row.status}（{row.undone_at:%Y-%m-%d %H:%M}，{row.undone_by}）"


class BatchesPage(RecordListPage):
    max_column_width = 300

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: date | None = None):
        columns = (
            Column("时间", lambda b: f"{b.imported_at:%Y-%m-%d %H:%M}"),
            Column("类型", lambda b: ImportKind(b.kind).label),
            Column("文件", lambda b: b.file_name),
            Column("工作表", lambda b: b.sheet),
            Column("条数", lambda b: b.count_text),
            Column("导入人", lambda b: b.imported_by),
            Column("状态", status_text),
        )
        super().__init__(ctx, columns, parent, row_color=lambda b: GREY if b.undone_at else None)
        self._today = today  # tests pass a day; the screen uses the clock
        self.wizard: ImportWizard | None = None
        self.import_button = push_button("导入新文件(&I)…", self.open_wizard)
        self.undo_button = self.row_button("撤销所选批次(&U)…", self.undo_selected)
        self.blockers_box = QGroupBox("不能撤销：以下记录在导入后已被使用或修改")
        self.blockers = QPlainTextEdit()
        self.blockers.setReadOnly(True)
        self.blockers.setMaximumHeight(160)
        box_layout = QVBoxLayout(self.blockers_box)
        box_layout.addWidget(self.blockers)
        self.blockers_box.hide()
        self.empty_note = note("还没有导入过数据。点“导入新文件…”把站里已有的 Excel/WPS 台账（居民和服务对象、户档、人员花名册、"
                               "劳动合同、资产登记、档案目录）导入本程序。")
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.import_button, self.undo_button))
        layout.addWidget(self.empty_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.blockers_box)
        layout.addWidget(note("撤销一批导入：删除这一批新增的记录，并把这一批改过的已有记录恢复原样；其中任何一条记录在导入后"
                              "被使用（走访、个案、窗口事项、借用等）或修改过时不能撤销，下方会列出是哪些记录。"))

    def load(self, session):
        return batch.list_batches(session)

    def show_rows(self, rows) -> None:
        super().show_rows(rows)
        self.empty_note.setVisible(not rows)

    def update_buttons(self, row) -> None:
        self.undo_button.setEnabled(row is not None and row.undone_at is None)
        self.blockers_box.hide()

    # --- import ---------------------------------------------------------------------------------------
    def open_wizard(self) -> ImportWizard:
        self.notice.clear()
        self.wizard = ImportWizard(self._ctx, self, today=self._today)
        self.open_dialog(self.wizard, self._imported)
        return self.wizard

    def _imported(self) -> None:
        wizard = self.wizard
        self.refresh()
        if wizard is not None and wizard.state.batch is not None:
            self.select(wizard.state.batch.id)
            self.notice.setText(result_text(wizard.state.batch))

    # --- undo -------------------------------------------------------------------------------------------
    def undo_selected(self) -> None:
        row = self.selected()
        if row is None or row.undone_at is not None:
            return
        self.notice.clear()
        with self._ctx.session() as s:
            blockers = batch.undo_blockers(s, row.id)
        if blockers:
            self.show_blockers(blockers)
            return
        text = (f"撤销 {row.imported_at:%Y-%m-%d %H:%M} 从“{row.file_name}”导入的{ImportKind(row.kind).label}"
                f"（{row.count_text} 条）？新增的记录将被删除，更新过的记录恢复导入前的内容。")
        if not messages.confirm(self, text, "撤销导入"):
            return
        self.undo(row.id)

    def undo(self, batch_id: int) -> bool:
        """Undo without asking (the confirmation is the caller's); a refusal lists its blockers."""
        undone = []
        if not run_write(self._ctx, self, lambda s: undone.append(batch.undo_batch(s, batch_id))):
            with self._ctx.session() as s:
                blockers = batch.undo_blockers(s, batch_id)
            if blockers:
                self.show_blockers(blockers)
            return False
        self.refresh()
        self.select(batch_id)
        self.notice.setText(f"已撤销批次 {batch_id}（{undone[0].file_name}）。")
        return True

    def show_blockers(self, lines: list[str]) -> None:
        shown = lines[:BLOCKERS_SHOWN]
        if len(lines) > len(shown):
            shown.append(f"…… 另有 {len(lines) - len(shown)} 条")
        self.blockers.setPlainText("\n".join(shown))
        self.blockers_box.show()
