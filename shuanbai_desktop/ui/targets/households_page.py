"""一户一档 list: every household file, by name or member, village and worker."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout

from ...services.permissions import Permission
from ...services.targets import households
from ...services.targets.households import HouseholdFilter
from ..context import AppContext
from ..persons.common import village_combo
from ..persons.paged_model import PagedModel
from ..record_list import RecordListPage, count_label, filter_bars
from ..table_model import Column
from ..widgets import day_text, push_button, selected_row
from .widgets import worker_combo

COLUMNS = (Column("户名", lambda h: h.name), Column("户主", lambda h: h.head_name), Column("人数", lambda h: h.members),
           Column("村(居)", lambda h: h.village_name), Column("负责社工", lambda h: h.worker_name),
           Column("最近走访", lambda h: day_text(h.last_visit)), Column("风险", lambda h: h.risk.label if h.risk else ""),
           Column("下次走访", lambda h: day_text(h.next_due)))
WIDTHS = (120, 80, 44, 160, 80, 96, 44, 96)


class HouseholdsPage(RecordListPage):
    """Long lists: rows are read block by block (persons/paged_model.py). The area opens the files."""

    openRequested = Signal(int)
    newRequested = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, parent=parent, model=PagedModel(COLUMNS, self._load))
        self.search_edit = QLineEdit(placeholderText="户名或成员姓名")
        self.search_edit.setClearButtonEnabled(True)
        self.village_filter = village_combo(ctx, "全部村(居)")
        self.worker_filter = worker_combo(ctx, "全部社工")
        for signal in (self.search_edit.textChanged, self.village_filter.currentIndexChanged,
                       self.worker_filter.currentIndexChanged):
            signal.connect(self.refresh)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.new_button = push_button("建立户档…", self.newRequested.emit)
        self.open_button = push_button("打开户档…", self.open_selected)
        self.new_button.setVisible(ctx.can(Permission.HOUSEHOLD_EDIT))
        self.count_label = count_label()
        layout = QVBoxLayout(self)
        layout.addLayout(filter_bars([self.search_edit, self.village_filter, self.worker_filter],
                                         [self.new_button, self.open_button], self.count_label))
        layout.addWidget(self.table, 1)

    def _load(self, ids):
        with self._ctx.session() as s:
            return households.household_rows(s, ids)

    def refresh(self, *_args) -> None:
        flt = HouseholdFilter(self.search_edit.text(), self.village_filter.currentData(), self.worker_filter.currentData())
        with self._ctx.session() as s:
            ids = households.household_ids(s, flt)
        self.model.set_ids(ids)
        self.count_label.setText(f"共 {len(ids):,} 户")

    def open_selected(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.openRequested.emit(self.model.id_at(row))
