"""A year's records of one kind (培训, 督导): 新增/修改/删除 for who may keep them, attachments and the
export for everyone who sees the page. The training and supervision pages are this page with their own
record type, dialog and summary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QWidget

from ...services.permissions import Permission
from .. import messages
from ..context import AppContext
from ..forms import run_write
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import push_button
from .attachments import staff_attachments
from .widgets import year_spin


class YearRecordsPage(RecordListPage):
    owner_type = ""  # the attachments' owner type
    add_text = "新增…"
    export_text = "导出…"
    added_text = "已新增。"
    saved_text = "已保存。"
    deleted_text = "已删除。"

    def __init__(self, ctx: AppContext, columns: Sequence[Column], permission: Permission, parent=None,
                 row_color: Callable[[Any], str | None] | None = None):
        super().__init__(ctx, columns, parent, row_color=row_color)
        self._edit = ctx.can(permission)
        self.year_spin = year_spin()
        self.year_spin.valueChanged.connect(self.refresh)
        self.add_button = push_button(self.add_text, self.add)
        self.edit_button = self.row_button("修改…", self.edit)
        self.delete_button = self.row_button("删除", self.delete)
        self.files_button = self.row_button("附件…", self.open_files)
        self.export_button = push_button(self.export_text, self.export)

    def toolbar(self) -> QHBoxLayout:
        """年度 on the left; the editing buttons (for who may keep the records), 附件 and the export on the right."""
        row = QHBoxLayout()
        row.addWidget(QLabel("年度："))
        row.addWidget(self.year_spin)
        row.addStretch(1)
        if self._edit:
            for button in (self.add_button, self.edit_button, self.delete_button):
                row.addWidget(button)
        row.addWidget(self.files_button)
        row.addWidget(self.export_button)
        return row

    # --- what each record type gives ----------------------------------------------------------------
    def make_dialog(self, row: Any | None) -> QDialog:
        raise NotImplementedError

    def delete_question(self, row: Any) -> str:
        raise NotImplementedError

    def delete_record(self, session, record_id: int) -> None:
        raise NotImplementedError

    def files_title(self, row: Any) -> str:
        raise NotImplementedError

    def export(self, target=None):
        raise NotImplementedError

    # --- actions ----------------------------------------------------------------------------------
    def open_selected(self) -> None:
        if self._edit:
            self.edit()

    def add(self) -> QDialog:
        return self.open_dialog(self.make_dialog(None), self.added_text)

    def edit(self) -> QDialog | None:
        row = self.selected()
        if row is None:
            return None
        return self.open_dialog(self.make_dialog(row), self.saved_text)

    def delete(self) -> None:
        row = self.selected()
        if row is None or not messages.confirm(self, self.delete_question(row)):
            return
        if run_write(self._ctx, self, lambda s: self.delete_record(s, row.id)):
            self.refresh()
            self.notice.setText(self.deleted_text)

    def open_files(self) -> QWidget | None:
        row = self.selected()
        if row is None:
            return None
        dialog = staff_attachments(self._ctx, self.owner_type, row.id, self.files_title(row), self._edit, self)
        return self.open_dialog(dialog)
