"""督导: the year's supervision visits; months without a visit and visits under 16 hours flagged."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QVBoxLayout

from ...domain.staff_rules import SUPERVISION_VISIT_HOURS, hours_text
from ...services.permissions import Permission
from ...services.staff import ledgers, supervision
from ...services.staff.supervision import SupervisionRow
from ..context import AppContext
from ..table_model import Column
from ..widgets import AMBER, RED, note
from .export import export_file, today_name
from .supervision_dialog import SupervisionDialog
from .year_records import YearRecordsPage


def _hours(r: SupervisionRow) -> str:
    if r.short:
        return hours_text(r.hours) + "（不足16）"
    return hours_text(r.hours)


COLUMNS = (Column("督导日期", lambda r: r.date_text), Column("督导员", lambda r: r.supervisor),
           Column("督导机构", lambda r: r.organisation),
           Column("时长(小时)", _hours, align_right=True),
           Column("人数", lambda r: len(r.staff_ids), align_right=True),
           Column("督导内容", lambda r: r.topics.replace("\n", " ")))


class SupervisionPage(YearRecordsPage):
    owner_type = "staff_supervision"
    max_column_width = 240
    add_text = "新增督导记录…"
    export_text = "导出督导记录…"
    added_text = "已新增督导记录。"
    saved_text = "已保存督导记录。"
    deleted_text = "已删除督导记录。"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, Permission.SUPERVISION_RECORD, parent,
                         row_color=lambda r: AMBER if r.short else None)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar())
        layout.addWidget(self.check_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(note(f"原则上 1 名督导员负责 6 个社工站(点)，每月督导不少于 1 次，每次不少于 "
                              f"{SUPERVISION_VISIT_HOURS} 小时。"))
        layout.addWidget(self.notice)
        self.refresh()

    def refresh(self, *_args) -> None:
        year = self.year_spin.value()
        with self._ctx.session() as s:
            rows = supervision.list_supervisions(s, date(year, 1, 1), date(year, 12, 31))
            check = supervision.supervision_check(s) if year == date.today().year else None
        self.show_rows(rows)
        total = sum((r.hours for r in rows), 0)
        parts = [f"{year}年共督导 {len(rows)} 次，{hours_text(total)} 小时。"]
        if check and check.missing:
            parts.append(f'<span style="color:{RED}">没有督导记录的月份：{check.missing_text}。</span>')
        short = [r for r in rows if r.short]
        if short:
            parts.append(f'<span style="color:{AMBER}">{len(short)} 次不足 {SUPERVISION_VISIT_HOURS} 小时。</span>')
        self.check_label.setText("　".join(parts))

    def make_dialog(self, row: SupervisionRow | None) -> SupervisionDialog:
        return SupervisionDialog(self._ctx, row, self)

    def delete_question(self, row: SupervisionRow) -> str:
        return f"删除 {row.date_text} {row.supervisor} 的督导记录？"

    def delete_record(self, session, record_id: int) -> None:
        supervision.delete_supervision(session, record_id)

    def files_title(self, row: SupervisionRow) -> str:
        return f"督导附件 — {row.date_text}"

    def export(self, target=None):
        year = self.year_spin.value()
        return export_file(self._ctx, self, today_name(f"{year}年督导记录"),
                           lambda s, p: ledgers.export_supervision(s, p, year), target)
