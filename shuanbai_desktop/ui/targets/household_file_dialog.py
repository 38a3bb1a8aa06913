"""一户一档: one window with everything about a household, and the way to edit, visit, attach, print."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from ...services.permissions import Permission
from ...services.targets.household_file import HouseholdFile, household_file
from ...services.targets.printouts import household_file_pdf
from ..context import AppContext
from ..table_model import Column, RowsTableModel
from ..widgets import day_text, fit_columns, make_table

MEMBER_COLUMNS = (Column("姓名", lambda m: m.name), Column("关系", lambda m: m.relation_label),
                  Column("性别", lambda m: m.sex), Column("年龄", lambda m: m.age() if m.age() is not None else ""),
                  Column("身份证号", lambda m: m.id_masked or "无"),
                  Column("服务对象类别", lambda m: "、".join(g.label for g in m.groups)),
                  Column("残疾/健康", lambda m: "、".join(x for x in (
                      m.disability_type.label + m.disability_grade.label if m.disability_type.value else "",
                      m.health.label if m.health.value else "") if x)),
                  Column("享受待遇", lambda m: "；".join(b.text for b in m.benefits)))
VISIT_COLUMNS = (Column("日期", lambda v: day_text(v.visit_date)), Column("形式", lambda v: v.form.label),
                 Column("社工", lambda v: v.workers), Column("见到", lambda v: v.persons_met),
                 Column("风险", lambda v: v.risk.label), Column("需求", lambda v: v.needs),
                 Column("下次走访", lambda v: day_text(v.next_due)))
VISIT_SUMMARY = tuple(c for c in VISIT_COLUMNS if c.header != "需求")
CASE_COLUMNS = (Column("个案号", lambda c: c.case_no), Column("服务对象", lambda c: c.person_name),
                Column("事由", lambda c: c.title), Column("负责社工", lambda c: c.worker_name),
                Column("进度", lambda c: c.stage_text), Column("开案", lambda c: day_text(c.opened_on)))
MATTER_COLUMNS = (Column("日期", lambda m: day_text(m.day)), Column("居民", lambda m: m.person_name),
                  Column("事项", lambda m: m.title), Column("状态", lambda m: m.state))
FILE_COLUMNS = (Column("所属", lambda a: a[0]), Column("说明", lambda a: a[1].description),
                Column("大小", lambda a: a[1].size_text), Column("添加", lambda a: f"{a[1].added_by} {a[1].added_at:%Y-%m-%d}"))


def _table(columns):
    model = RowsTableModel(columns)
    return model, make_table(model)


class HouseholdFileDialog(QDialog):
    """Signals let the area open the editors (they refresh this view when done)."""

    editRequested = Signal(int)
    visitRequested = Signal(int)
    caseOpened = Signal(int)
    attachmentsRequested = Signal(str, int, str)

    def __init__(self, ctx: AppContext, household_id: int, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.household_id = household_id
        self.file: HouseholdFile | None = None
        self.resize(1000, 620)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.tabs = QTabWidget()
        summary = not ctx.can(Permission.CASE_READ)
        self.members_model, members = _table(MEMBER_COLUMNS)
        self.visits_model, visits = _table(VISIT_SUMMARY if summary else VISIT_COLUMNS)
        self.cases_model, self.cases_table = _table(CASE_COLUMNS)
        self.matters_model, matters = _table(MATTER_COLUMNS)
        self.files_model, files = _table(FILE_COLUMNS)
        self.cases_table.doubleClicked.connect(lambda i: self.caseOpened.emit(self.cases_model.row(i.row()).id))
        for title, table in (("家庭成员", members), ("走访记录", visits), ("个案", self.cases_table),
                             ("窗口事项", matters), ("附件", files)):
            self.tabs.addTab(table, title)
        self._tables = (members, visits, self.cases_table, matters, files)
        self.edit_button = QPushButton("编辑户档…")
        self.visit_button = QPushButton("录入走访…")
        self.files_button = QPushButton("户档附件…")
        self.print_button = QPushButton("打印户档…")
        close = QPushButton("关闭")
        self.edit_button.clicked.connect(lambda: self.editRequested.emit(self.household_id))
        self.visit_button.clicked.connect(lambda: self.visitRequested.emit(self.household_id))
        self.files_button.clicked.connect(lambda: self.attachmentsRequested.emit(
            "household", self.household_id, f"{self.file.info.name}的户档附件"))
        self.print_button.clicked.connect(self.print_file)
        close.clicked.connect(self.accept)
        self.edit_button.setVisible(ctx.can(Permission.HOUSEHOLD_EDIT))
        self.visit_button.setVisible(ctx.can(Permission.VISIT_RECORD))
        row = QHBoxLayout()
        for button in (self.edit_button, self.visit_button, self.files_button, self.print_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(row)
        self.print_dialog = None
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as s:
            self.file = f = household_file(s, self._ctx.db.anchor, self.household_id)
        i = f.info
        self.setWindowTitle(f"一户一档 — {i.name}")
        income = "；".join(r.source.label for r in i.incomes) or "未填"
        self.header.setText(
            f"<b style='font-size:13pt'>{i.name}</b>　{i.village_name}　{i.address}<br>"
            f"成员 {len(i.members)} 人　住房：{i.housing.label}（{i.housing_condition.label}）　"
            f"收入来源：{income}（年 {i.yearly_income:.2f} 元）　负责社工：{i.worker_name or '未指定'}<br>"
            f"最近走访：{day_text(i.last_visit) or '无'}　风险：{i.risk.label if i.risk else '—'}　"
            f"下次走访：{day_text(i.next_due) or '未安排'}")
        for model, rows in ((self.members_model, f.members), (self.visits_model, f.visits),
                            (self.cases_model, f.cases), (self.matters_model, f.matters),
                            (self.files_model, f.attachments)):
            model.set_rows(rows)
        for table in self._tables:
            fit_columns(table, 240)
        counts = (len(f.members), len(f.visits), len(f.cases), len(f.matters), len(f.attachments))
        for index, (title, n) in enumerate(zip(("家庭成员", "走访记录", "个案", "窗口事项", "附件"), counts, strict=True)):
            self.tabs.setTabText(index, f"{title}（{n}）")

    def print_file(self) -> None:
        from .print_dialog import PrintDialog
        hid, station, db_path = self.household_id, self._ctx.station.name, self._ctx.db.anchor

        def make(session, target, reveal_reason):
            return household_file_pdf(session, db_path, hid, station, target, reveal_reason)
        self.print_dialog = PrintDialog(self._ctx, f"一户一档（{self.file.info.name}）", f"一户一档-户{hid:05d}.pdf",
                                        "household", hid, make, self)
        self.print_dialog.open()
