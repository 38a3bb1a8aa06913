"""薪酬: the monthly pay sheet — generated from the pay table and the staff files, adjusted per
worker, exported as xlsx for the town's payroll."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from ...services.staff import ledgers, pay
from ...services.staff.pay import PaySheet
from .. import messages
from ..context import AppContext
from ..forms import run_write
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import money, note, push_button
from .export import export_file
from .pay_line_dialog import PayLineDialog
from .widgets import year_spin

COLUMNS = (Column("姓名", lambda ln: ln.name), Column("岗位角色", lambda ln: ln.role.label),
           Column("薪酬等级", lambda ln: ln.level_name),
           Column("基本工资", lambda ln: money(ln.base_pay), align_right=True),
           Column("绩效系数", lambda ln: f"{ln.ratio:.3f}", align_right=True),
           Column("绩效工资", lambda ln: money(ln.performance_pay), align_right=True),
           Column("津贴补贴", lambda ln: money(ln.other_pay), align_right=True),
           Column("应发合计", lambda ln: money(ln.gross), align_right=True),
           Column("个人缴纳四险一金", lambda ln: money(ln.personal_total), align_right=True),
           Column("实发金额", lambda ln: money(ln.net), align_right=True),
           Column("单位缴纳四险一金", lambda ln: money(ln.employer_total), align_right=True),
           Column("备注", lambda ln: ln.notes))


class PayPage(RecordListPage):
    max_column_width = 160

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent)
        self.sheet: PaySheet | None = None
        self.generated: tuple[int, list[str]] = (0, [])  # the last generate_month: lines added, names missing
        last = date.today().replace(day=1)
        self.year_spin = year_spin(last.year)
        self.month_combo = QComboBox()
        for m in range(1, 13):
            self.month_combo.addItem(f"{m} 月", m)
        self.month_combo.setCurrentIndex(last.month - 1)
        self.year_spin.valueChanged.connect(self.refresh)
        self.month_combo.currentIndexChanged.connect(self.refresh)
        self.totals = QLabel()
        self.empty_note = note()
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.empty_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(note("基本工资和绩效工资标准取自“设置 → 薪酬标准表”，绩效系数按“设置 → 绩效因素权重”计算，"
                              "四险一金按薪酬标准表中的缴费比例计算。"))
        layout.addWidget(self.notice)
        self.refresh()

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("月份："))
        row.addWidget(self.year_spin)
        row.addWidget(self.month_combo)
        row.addStretch(1)
        self.generate_button = push_button("生成工资表", self.generate)
        self.edit_button = push_button("修改…", self.edit)
        self.redo_button = push_button("重新生成", self.regenerate)
        self.export_button = push_button("导出工资表…", self.export)
        for button in (self.generate_button, self.edit_button, self.redo_button, self.export_button):
            row.addWidget(button)
        return row

    def month(self) -> tuple[int, int]:
        return self.year_spin.value(), self.month_combo.currentData()

    def refresh(self, *_args) -> None:
        year, month = self.month()
        with self._ctx.session() as s:
            self.sheet = pay.pay_sheet(s, year, month)
        lines = self.sheet.lines
        self.show_rows(lines)
        self.empty_note.setText(f"{year}年{month}月的工资表还没有生成。点击“生成工资表”，按在岗人员的薪酬等级生成。")
        self.empty_note.setVisible(not lines)
        if lines:
            self.totals.setText(f"<b>合计</b>：{len(lines)} 人，应发 {money(self.sheet.total('gross'))} 元，"
                                f"实发 {money(self.sheet.total('net'))} 元，单位缴纳四险一金 "
                                f"{money(self.sheet.total('employer_total'))} 元")
        else:
            self.totals.setText("")
        for button in (self.edit_button, self.redo_button, self.export_button):
            button.setEnabled(bool(lines))

    def generate(self, replace: bool = False) -> None:
        """Lines for workers without one; ``replace`` discards the month's lines first (same transaction)."""
        year, month = self.month()

        def write(s) -> None:
            if replace:
                pay.delete_month(s, year, month)
            self.generated = pay.generate_month(s, year, month)
        if not run_write(self._ctx, self, write):
            return
        added, missing = self.generated
        self.refresh()
        text = f"已生成 {added} 人的工资。"
        if missing:
            text += f"以下人员未设定薪酬等级，未生成：{'、'.join(missing)}（请在人员档案中选择薪酬等级）。"
        self.notice.setText(text)

    def regenerate(self) -> None:
        year, month = self.month()
        if not messages.confirm(self, f"重新生成{year}年{month}月工资表？已修改的业绩得分、津贴补贴和备注会丢失，"
                                      "按当前薪酬标准和人员档案重新计算。"):
            return
        self.generate(replace=True)

    def open_selected(self) -> None:
        self.edit()

    def edit(self) -> PayLineDialog | None:
        line = self.selected_or_say("请先在表格中选中一人。", "未选择人员")
        if line is None:
            return None
        dialog = PayLineDialog(self._ctx, line, self.sheet.weights, self)
        return self.open_dialog(dialog, f"已修改“{line.name}”的工资。")

    def export(self, target=None):
        year, month = self.month()
        return export_file(self._ctx, self, f"工资表_{year}年{month:02d}月.xlsx",
                           lambda s, p: ledgers.export_pay(s, p, year, month), target)
