"""A 设置 list of the choices the counter offers, in the order it offers them (事项目录, 转办部门): 新增, 编辑
(also double-click or Enter), 上移/下移, 停用/启用. A stopped choice stays for the records that used it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from .. import messages
from ..context import AppContext
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import button_row, push_button


class OrderedChoicesPage(RecordListPage):
    add_text = "新增…"
    sortable = False  # the order is the station's own (上移/下移)

    def __init__(self, ctx: AppContext, columns: Sequence[Column], intro: QLabel, parent=None):
        super().__init__(ctx, columns, parent)
        self.add_button = push_button(self.add_text, self.add)
        self.edit_button = push_button("编辑…", self.edit)
        self.up_button = push_button("上移", self.move_up)
        self.down_button = push_button("下移", self.move_down)
        self.toggle_button = push_button("停用/启用", self.toggle)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(self.add_button, self.edit_button, self.up_button, self.down_button,
                                    self.toggle_button))

    # --- what each list gives ---------------------------------------------------------------------
    def make_dialog(self, record: Any | None) -> QDialog:
        """The editor; it sets ``saved_id`` when it saves."""
        raise NotImplementedError

    def move_record(self, session, record_id: int, step: int) -> None:
        raise NotImplementedError

    def set_active(self, session, record_id: int, active: bool) -> None:
        raise NotImplementedError

    def may_stop(self, record: Any) -> bool:
        """Asked before a choice is stopped."""
        return True

    # --- actions ----------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        super().refresh()
        if select_id is not None:
            self.select(select_id)

    def open_selected(self) -> None:
        self.edit()

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        record = self.selected()
        if record is not None:
            self._open(record)

    def _open(self, record: Any | None) -> None:
        dialog = self.make_dialog(record)
        self.open_dialog(dialog, lambda: self.refresh(dialog.saved_id))

    def move_up(self) -> None:
        self.shift(-1)

    def move_down(self) -> None:
        self.shift(1)

    def shift(self, step: int) -> None:
        record = self.selected()
        if record is None:
            return
        with self._ctx.session() as s:
            self.move_record(s, record.id, step)
        self.refresh(record.id)

    def toggle(self) -> None:
        record = self.selected()
        if record is None:
            return
        if record.active and not self.may_stop(record):
            return
        messages.attempt(self, lambda: self._set_active(record.id, not record.active))
        self.refresh(record.id)

    def _set_active(self, record_id: int, active: bool) -> None:
        with self._ctx.session() as s:
            self.set_active(s, record_id, active)
