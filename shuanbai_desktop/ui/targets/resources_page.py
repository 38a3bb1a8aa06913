"""资源与志愿 (五社联动, R4.5): the referral and resource ledger, volunteers and hours, activities."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.target_labels import ActivityKind
from ...errors import UserError
from ...services.permissions import Permission
from ...services.targets import organisations, resources
from ..context import AppContext
from ..forms import FormErrors, run_write
from ..persons.common import village_combo
from ..table_model import Column, RowsTableModel
from ..widgets import (
    date_edit,
    date_value,
    day_text,
    fill_combo,
    fill_enum,
    fit_columns,
    make_table,
    select_data,
    selected_row,
)
from .organisations_page import OrganisationsPage

LEDGER = (Column("日期", lambda r: day_text(r.day)), Column("类别", lambda r: r.kind), Column("服务对象", lambda r: r.person_name),
          Column("个案号", lambda r: r.case_no), Column("对方", lambda r: r.counterpart),
          Column("内容", lambda r: r.content), Column("状态/金额", lambda r: r.status_or_value))
VOLUNTEERS = (Column("姓名", lambda v: v.name), Column("电话", lambda v: v.phone_masked),
              Column("村(居)", lambda v: v.village_name), Column("所属组织", lambda v: v.organisation),
              Column("特长", lambda v: v.skills), Column("累计时数", lambda v: f"{v.hours} 小时", True))
ACTIVITIES = (Column("日期", lambda a: day_text(a.held_on)), Column("类型", lambda a: a.kind.label),
              Column("活动名称", lambda a: a.title), Column("村(居)", lambda a: a.village_name),
              Column("人数", lambda a: a.participants, True), Column("合作方", lambda a: a.partner))


def _form_page(table, form: QFormLayout, error: QLabel, button: QPushButton) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(table, 1)
    layout.addLayout(form)
    row = QHBoxLayout()
    row.addWidget(error, 1)
    row.addStretch(0)
    row.addWidget(button)
    layout.addLayout(row)
    return page


class ResourcesPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        editable = ctx.can(Permission.CASE_OPEN)
        self.ledger_model = RowsTableModel(LEDGER)
        self.volunteer_model = RowsTableModel(VOLUNTEERS)
        self.activity_model = RowsTableModel(ACTIVITIES)
        self.ledger_table = make_table(self.ledger_model)
        self.volunteer_table = make_table(self.volunteer_model)
        self.activity_table = make_table(self.activity_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.ledger_table, "转介与资源台账")
        self.tabs.addTab(self._volunteers_page(editable), "志愿者")
        self.tabs.addTab(self._activities_page(editable), "小组与社区活动")
        self.orgs_page = OrganisationsPage(ctx)
        self.orgs_page.changed.connect(self.refresh)
        self.tabs.addTab(self.orgs_page, "社区组织")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("转介和链接资源在个案的“协调资源”步骤中登记，这里汇总全站台账。"))
        layout.addWidget(self.tabs, 1)

    def _volunteers_page(self, editable: bool) -> QWidget:
        self.v_name = QLineEdit()
        self.v_phone = QLineEdit()
        self.v_org = QLineEdit()
        self.v_village = village_combo(self._ctx)
        self.v_org_choice = QComboBox()  # 登记在册的社区组织 (R4.5); the text field stays for others
        self.h_day = date_edit()
        self.h_hours = QLineEdit(placeholderText="小时，如 2.5")
        self.h_content = QLineEdit()
        self.h_day.setMaximumDate(date.today())
        self.v_add = QPushButton("登记志愿者")
        self.h_add = QPushButton("为所选志愿者记时数")
        self.v_add.clicked.connect(self.add_volunteer)
        self.h_add.clicked.connect(self.add_hours)
        form = QFormLayout()
        person = QHBoxLayout()
        for label, w in (("姓名", self.v_name), ("电话", self.v_phone), ("组织", self.v_org_choice),
                         ("", self.v_org)):
            if label:
                person.addWidget(QLabel(label))
            person.addWidget(w)
        self.v_org.setPlaceholderText("未登记的组织名称")
        person.addWidget(self.v_village)
        person.addWidget(self.v_add)
        hours = QHBoxLayout()
        for w in (self.h_day, self.h_hours, self.h_content):
            hours.addWidget(w)
        self.h_content.setPlaceholderText("服务内容")
        form.addRow("新志愿者：", person)
        form.addRow("服务时数：", hours)
        self.v_error = QLabel()
        self.v_errors = FormErrors(self.v_error, {"志愿者姓名": self.v_name, "志愿者电话": self.v_phone,
                                                  "服务时数": self.h_hours, "服务内容": self.h_content,
                                                  "服务日期": self.h_day, "所属组织": self.v_org_choice})
        for w in (self.v_add, self.h_add):
            w.setEnabled(editable)
        return _form_page(self.volunteer_table, form, self.v_error, self.h_add)

    def _activities_page(self, editable: bool) -> QWidget:
        self.a_day = date_edit(not_after_today=True)
        self.a_kind = fill_enum(QComboBox(), ActivityKind)
        self.a_title = QLineEdit()
        self.a_partner = QLineEdit(placeholderText="其他合作方（未登记的组织、慈善资源）")
        self.a_org = QComboBox()  # 合作的社区组织 (登记在册)
        self.a_village = village_combo(self._ctx, "全镇(街)")
        self.a_count = QSpinBox()
        self.a_count.setRange(0, 100000)
        self.a_add = QPushButton("登记活动")
        self.a_add.clicked.connect(self.add_activity)
        self.a_add.setEnabled(editable)
        form = QFormLayout()
        row = QHBoxLayout()
        for w in (self.a_day, self.a_kind, self.a_village, QLabel("人数"), self.a_count):
            row.addWidget(w)
        form.addRow("时间地点：", row)
        form.addRow("活动名称：", self.a_title)
        partner = QHBoxLayout()
        partner.addWidget(self.a_org)
        partner.addWidget(self.a_partner, 1)
        form.addRow("合作方：", partner)
        self.a_error = QLabel()
        self.a_errors = FormErrors(self.a_error, {"活动名称": self.a_title, "参加人数": self.a_count,
                                                  "活动日期": self.a_day, "合作方": self.a_partner,
                                                  "合作组织": self.a_org})
        return _form_page(self.activity_table, form, self.a_error, self.a_add)

    def refresh(self) -> None:
        with self._ctx.session() as s:
            self.ledger_model.set_rows(resources.ledger(s))
            self.volunteer_model.set_rows(resources.list_volunteers(s))
            self.activity_model.set_rows(resources.list_activities(s))
            choices = [(o.id, o.name) for o in organisations.org_choices(s)]
        for combo in (self.v_org_choice, self.a_org):
            chosen = combo.currentData()
            fill_combo(combo, choices, "（不属于登记的组织）")
            select_data(combo, chosen)
        self.orgs_page.refresh()
        for table in (self.ledger_table, self.volunteer_table, self.activity_table):
            fit_columns(table, 260)

    def _write(self, errors: FormErrors, action) -> bool:
        errors.clear()
        if not run_write(self._ctx, self, action, errors):
            return False
        self.refresh()
        return True

    def add_volunteer(self) -> None:
        if self._write(self.v_errors, lambda s: resources.save_volunteer(
                s, self.v_name.text(), self.v_phone.text(), self.v_village.currentData(), self.v_org.text(),
                org_id=self.v_org_choice.currentData())):
            for w in (self.v_name, self.v_phone, self.v_org):
                w.clear()

    def add_hours(self) -> None:
        row = selected_row(self.volunteer_table)
        if row is None:
            self.v_errors.show(UserError("请先在上面选中一位志愿者。"))
            return
        vid = self.volunteer_model.row(row).id
        if self._write(self.v_errors, lambda s: resources.add_hours(s, vid, date_value(self.h_day), self.h_hours.text(),
                                                                    self.h_content.text())):
            self.h_hours.clear()
            self.h_content.clear()

    def add_activity(self) -> None:
        if self._write(self.a_errors, lambda s: resources.save_activity(
                s, date_value(self.a_day), ActivityKind(self.a_kind.currentData()), self.a_title.text(),
                self.a_village.currentData(), self.a_count.value(), self.a_partner.text(),
                org_id=self.a_org.currentData())):
            self.a_title.clear()
