"""社区组织 (五社联动, R4.5): the register of community organisations the station fosters, in 资源与志愿."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QSpinBox, QVBoxLayout
from sqlalchemy.orm import Session

from ...domain.org_labels import OrgKind, OrgStatus, OrgSupport
from ...services.permissions import Permission
from ...services.targets import organisations
from ...services.targets.organisations import OrgInput, OrgRow
from ..context import AppContext
from ..form_dialog import FormDialog
from ..persons.common import village_combo
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import (
    GREY,
    button_row,
    checked_keys,
    data_as,
    date_edit,
    date_value,
    day_text,
    fill_checklist,
    fill_enum,
    note,
    push_button,
    select_data,
)

COLUMNS = (
    Column("组织名称", lambda o: o.name),
    Column("类型", lambda o: o.kind.label),
    Column("村(居)", lambda o: o.village_name),
    Column("成立", lambda o: day_text(o.founded_on)),
    Column("纳入培育", lambda o: day_text(o.fostered_since)),
    Column("联系人", lambda o: o.contact_name + (f"（{o.contact_phone_masked}）" if o.contact_phone_masked else "")),
    Column("成员", lambda o: o.members, True),
    Column("状态", lambda o: o.status.label + (f" {day_text(o.stopped_on)}" if o.stopped_on else "")),
    Column("志愿者", lambda o: o.volunteers, True),
    Column("活动", lambda o: o.activities, True),
    Column("资源", lambda o: f"{o.resources} 笔 {o.resources_value} 元" if o.resources else "", True),
    Column("培育扶持", lambda o: o.support_text),
)


def _row_color(row: OrgRow) -> str | None:
    return GREY if row.status is OrgStatus.STOPPED else None


class OrgDialog(FormDialog):
    """New or edit one organisation; ``saved_id`` after 保存."""

    def __init__(self, ctx: AppContext, org_id: int | None, parent=None):
        super().__init__(ctx, "编辑社区组织" if org_id else "登记社区组织",
                         "已停止活动的组织不再计入月报的在册数，也不能再登记活动、志愿者和资源；组织不删除，以保留历史记录。",
                         parent, ok_text="保存")
        self.org_id = org_id
        self._version: int | None = None  # the record's version when the form was filled
        self.saved_id: int | None = None
        self.name = self.add("组织名称", QLineEdit())
        self.name.setMaxLength(80)
        self.kind = self.add("组织类型", fill_enum(QComboBox(), OrgKind))
        self.village = self.add("所在村(居)", village_combo(ctx, "全镇(街)"))
        self.founded = self.add("成立日期", QLineEdit(placeholderText="如 2023-05-01，不详可不填"))
        self.fostered = self.add("纳入培育日期", date_edit(not_after_today=True))
        self.contact = self.add("联系人", QLineEdit())
        self.phone = self.add("联系电话", QLineEdit())
        self.members = self.add("成员人数", QSpinBox())
        self.members.setRange(0, organisations.MAX_MEMBERS)
        self.status = self.add("状态", fill_enum(QComboBox(), OrgStatus))
        self.stopped = self.add("停止活动日期", QLineEdit(placeholderText="状态为“已停止活动”时填写"))
        self.support = self.add("培育扶持", QListWidget())
        fill_checklist(self.support, ((s.value, s.label) for s in OrgSupport))
        self.support.setMaximumHeight(120)
        self.note = self.add("扶持情况", QLineEdit(placeholderText="如：每月一次骨干培训，活动室每周开放两个下午"))
        if org_id is not None:
            with ctx.session() as s:
                self._fill(organisations.get_org(s, org_id))

    def _fill(self, org: OrgInput) -> None:
        self._version = org.version
        self.name.setText(org.name)
        select_data(self.kind, org.kind.value)
        select_data(self.village, org.village_code)
        self.founded.setText(day_text(org.founded_on) if org.founded_on else "")
        if isinstance(org.fostered_since, date):
            self.fostered.setDate(org.fostered_since)
        self.contact.setText(org.contact_name)
        self.phone.setText(org.contact_phone)
        self.members.setValue(int(org.members))
        select_data(self.status, org.status.value)
        self.stopped.setText(day_text(org.stopped_on) if org.stopped_on else "")
        fill_checklist(self.support, ((s.value, s.label) for s in OrgSupport), {s.value for s in org.support})
        self.note.setText(org.support_note)

    def data(self) -> OrgInput:
        return OrgInput(self.name.text(), data_as(self.kind, OrgKind), self.village.currentData(),
                        self.founded.text() or None, date_value(self.fostered), self.contact.text(),
                        self.phone.text(), self.members.value(), data_as(self.status, OrgStatus),
                        self.stopped.text() or None, tuple(OrgSupport(k) for k in checked_keys(self.support)),
                        self.note.text())

    def write(self, session: Session, today: date | None) -> None:
        self.saved_id = organisations.save_org(session, self.data(), self.org_id, today,
                                               version=self._version)


class OrganisationsPage(RecordListPage):
    """The register; 登记 / 编辑 for roles that may register volunteers and activities (CASE_OPEN)."""

    changed = Signal()  # an organisation was saved: the choices of the other 资源与志愿 tabs change

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_row_color)
        self._editable = ctx.can(Permission.CASE_OPEN)
        self.new_button = push_button("登记社区组织", self.new_org)
        self.edit_button = self.row_button("编辑所选组织", self.open_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note("本站培育的社区社会组织、志愿服务队、慈善组织等。登记志愿者、活动和链接资源时可选所属或合作的组织，"
                              "月报“服务开展”表按此统计。"))
        layout.addWidget(self.table, 1)
        if self._editable:
            layout.addLayout(button_row(self.notice, self.new_button, self.edit_button, stretch_first=False))

    def load(self, session) -> list[OrgRow]:
        return organisations.list_orgs(session)

    def new_org(self) -> None:
        self.open_dialog(OrgDialog(self._ctx, None, self), self._saved)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None and self._editable:
            self.open_dialog(OrgDialog(self._ctx, row.id, self), self._saved)

    def _saved(self) -> None:
        dialog = self.dialog
        self.refresh()
        if isinstance(dialog, OrgDialog) and dialog.saved_id is not None:
            self.select(dialog.saved_id)
            self.notice.setText("已保存社区组织。")
        self.changed.emit()
