"""新增/编辑人员: identity, qualification, post and the villages served, account and pay level.

The only place the full ID number is shown. Saved in one transaction; a rule not met is
shown at its field and nothing is saved.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ...domain.idcard import parse_id_number
from ...domain.staff_labels import Certificate, Education, Source, StaffRole
from ...domain.staff_pay_rules import seniority_years
from ...errors import UserError
from ...services import auth, station
from ...services.staff import pay_table, roster
from ...services.staff.roster import StaffInput
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..widgets import date_edit, date_value, dialog_buttons, note, select_data
from .widgets import OptionalDate, VillageChecklist, enum_combo


class StaffDialog(QDialog):
    def __init__(self, ctx: AppContext, staff_id: int | None = None, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._id = staff_id
        self._version: int | None = None  # the record's version when the form was filled
        self.saved_id: int | None = None
        self.setWindowTitle("编辑人员档案" if staff_id else "新增人员")
        self.resize(940, 640)
        self._build()
        if staff_id:
            self._fill(staff_id)
        self._update_derived()
        self._update_suggestion()

    # --- building ------------------------------------------------------------------
    def _build(self) -> None:
        grid = QGridLayout()
        grid.addWidget(self._identity_box(), 0, 0)
        grid.addWidget(self._qualification_box(), 1, 0)
        grid.addWidget(self._post_box(), 0, 1, 2, 1)
        grid.addWidget(self._other_box(), 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "姓名": self.name_edit, "身份证号": self.id_edit, "联系电话": self.phone_edit, "专业": self.major_edit,
            "证书编号": self.cert_no_edit, "取证日期": self.cert_date_edit, "督导证编号": self.sup_no_edit,
            "所在社工点": self.point_combo, "负责村(居)": self.village_list, "登录账户": self.user_combo,
            "薪酬等级": self.level_combo, "入职日期": self.hire_edit, "从事社工起始日期": self.career_edit,
            "备注": self.notes_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _form(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        return box, form

    def _identity_box(self) -> QGroupBox:
        box, form = self._form("基本信息")
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(40)
        self.id_edit = QLineEdit(placeholderText="18 位居民身份证号")
        self.id_edit.setMaxLength(22)
        self.id_edit.editingFinished.connect(self._update_derived)
        self.derived_label = note()
        self.phone_edit = QLineEdit(placeholderText="手机号，如 13800138000")
        self.education_combo = enum_combo(Education)
        select_data(self.education_combo, Education.BACHELOR)
        self.major_edit = QLineEdit(placeholderText="如：社会工作")
        for label, widget in (("姓名：", self.name_edit), ("身份证号：", self.id_edit), ("", self.derived_label),
                              ("联系电话：", self.phone_edit), ("学历：", self.education_combo),
                              ("专业：", self.major_edit)):
            form.addRow(label, widget)
        return box

    def _qualification_box(self) -> QGroupBox:
        box, form = self._form("职业资格")
        self.cert_combo = enum_combo(Certificate)
        self.cert_combo.currentIndexChanged.connect(self._cert_changed)
        self.cert_no_edit = QLineEdit()
        self.cert_date_edit = OptionalDate("取证日期")
        self.sup_check = QCheckBox("持有督导证")
        self.sup_no_edit = QLineEdit(placeholderText="督导证编号")
        self.sup_check.toggled.connect(self.sup_no_edit.setEnabled)
        self.sup_no_edit.setEnabled(False)
        sup_row = QHBoxLayout()
        sup_row.addWidget(self.sup_check)
        sup_row.addWidget(self.sup_no_edit, 1)
        for label, widget in (("职业资格：", self.cert_combo), ("证书编号：", self.cert_no_edit),
                              ("取证日期：", self.cert_date_edit)):
            form.addRow(label, widget)
        form.addRow("督导证：", sup_row)
        self._cert_changed()
        return box

    def _post_box(self) -> QGroupBox:
        box, form = self._form("岗位")
        self.role_combo = enum_combo(StaffRole)
        select_data(self.role_combo, StaffRole.SERVICE_WORKER)
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        self.source_combo = enum_combo(Source)
        self.hire_edit = date_edit()
        self.hire_edit.dateChanged.connect(self._update_suggestion)
        self.career_edit = OptionalDate("从事社工起始日期", "计算工龄用，不填则按入职日期")
        self.career_edit.editingFinished.connect(self._update_suggestion)
        self.point_combo = QComboBox()
        self.point_combo.addItem("（不在社工点，站内工作）", None)
        self.liaison_check = QCheckBox("担任本社工点联络人")
        with self._ctx.session() as s:
            for p in station.list_service_points(s):
                self.point_combo.addItem(p.name, p.id)
            self.village_list = VillageChecklist([(v.code, v.name) for v in station.list_villages(s)])
        self.village_list.setMinimumHeight(150)
        for label, widget in (("岗位角色：", self.role_combo), ("人员来源：", self.source_combo),
                              ("入职日期：", self.hire_edit), ("从事社工起始：", self.career_edit),
                              ("所在社工点：", self.point_combo), ("", self.liaison_check)):
            form.addRow(label, widget)
        form.addRow("负责村(居)：", self.village_list)
        form.addRow("", note("原则上 1 名服务性岗位社工负责 1 个村(居)。"))
        return box

    def _other_box(self) -> QGroupBox:
        box = QGroupBox("账户、薪酬与备注")
        grid = QGridLayout(box)
        self.user_combo = QComboBox()
        self.user_combo.addItem("（不关联）", None)
        self.level_combo = QComboBox()
        self.level_combo.addItem("（未定）", None)
        with self._ctx.session() as s:
            for u in auth.list_users(s):
                self.user_combo.addItem(f"{u.display_name}（{u.username}）", u.id)
            self._levels = pay_table.list_levels(s)
        for lv in self._levels:
            self.level_combo.addItem(f"{lv.name}（{lv.certificate.label}，工龄 {lv.min_years} 年起）", lv.id)
        self.suggest_label = note()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(48)
        grid.addWidget(QLabel("登录账户："), 0, 0)
        grid.addWidget(self.user_combo, 0, 1)
        grid.addWidget(QLabel("薪酬等级："), 0, 2)
        grid.addWidget(self.level_combo, 0, 3)
        grid.addWidget(self.suggest_label, 1, 3)
        grid.addWidget(QLabel("备注："), 2, 0)
        grid.addWidget(self.notes_edit, 2, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    # --- reacting ------------------------------------------------------------------
    def _cert_changed(self, *_args) -> None:
        certified = Certificate(self.cert_combo.currentData()).certified
        self.cert_no_edit.setEnabled(certified)
        self.cert_date_edit.setEnabled(certified)
        self._update_suggestion()

    def _role_changed(self, *_args) -> None:
        service = StaffRole(self.role_combo.currentData()) is StaffRole.SERVICE_WORKER
        self.liaison_check.setEnabled(service)
        if not service:
            self.liaison_check.setChecked(False)

    def _update_derived(self) -> None:
        text = self.id_edit.text().strip()
        try:
            info = parse_id_number(text) if text else None
        except UserError as exc:
            self.derived_label.setText(exc.message)
            return
        self.derived_label.setText(f"性别：{info.sex}　出生日期：{info.birth_date:%Y-%m-%d}（由身份证号得出）"
                                   if info else "性别和出生日期由身份证号得出。")

    def _update_suggestion(self, *_args) -> None:
        if not hasattr(self, "level_combo"):
            return
        try:
            start = self.career_edit.value() or date_value(self.hire_edit)
        except UserError:
            start = date_value(self.hire_edit)
        years = seniority_years(start, date.today())
        with self._ctx.session() as s:
            level_id = pay_table.suggested_level_id(s, Certificate(self.cert_combo.currentData()), years)
        name = next((lv.name for lv in self._levels if lv.id == level_id), None)
        self.suggest_label.setText(f"按证书和工龄（{years} 年）建议：{name}" if name else
                                   ("请先在“设置 → 薪酬标准表”中录入县(区)薪酬标准。" if not self._levels
                                    else f"按证书和工龄（{years} 年）没有适用的等级。"))

    # --- data ----------------------------------------------------------------------
    def _fill(self, staff_id: int) -> None:
        with self._ctx.session() as s:
            detail = roster.get_staff(s, staff_id)
        self._version = detail.version
        d = detail.data
        self.name_edit.setText(d.name)
        self.id_edit.setText(d.id_number)
        self.phone_edit.setText(d.phone)
        select_data(self.education_combo, d.education)
        self.major_edit.setText(d.major)
        select_data(self.cert_combo, d.certificate)
        self.cert_no_edit.setText(d.certificate_no)
        self.cert_date_edit.set_value(d.certificate_date)
        self.sup_check.setChecked(d.supervisor_cert)
        self.sup_no_edit.setText(d.supervisor_cert_no)
        select_data(self.role_combo, d.role)
        select_data(self.source_combo, d.source)
        self.hire_edit.setDate(d.hire_date)
        self.career_edit.set_value(d.career_start)
        select_data(self.point_combo, d.point_id)
        self.liaison_check.setChecked(d.is_liaison)
        self.village_list.set_checked(d.village_codes)
        select_data(self.user_combo, d.user_id)
        select_data(self.level_combo, d.pay_level_id)
        self.notes_edit.setPlainText(d.notes)

    def input(self) -> StaffInput:
        return StaffInput(
            self.name_edit.text(), self.id_edit.text(), self.education_combo.currentData(),
            self.role_combo.currentData(), self.source_combo.currentData(), date_value(self.hire_edit),
            self.phone_edit.text(), self.major_edit.text(), self.cert_combo.currentData(), self.cert_no_edit.text(),
            self.cert_date_edit.value(), self.sup_check.isChecked(), self.sup_no_edit.text(),
            self.liaison_check.isChecked(), self.point_combo.currentData(), self.village_list.checked(),
            self.career_edit.value(), self.user_combo.currentData(), self.level_combo.currentData(),
            self.notes_edit.toPlainText())

    def save(self) -> None:
        # input() inside the transaction: a date typed wrong is shown at its field like any rule
        save_and_accept(self, self._ctx, self.errors,
                        lambda s: roster.save_staff(s, self.input(), self._id, version=self._version))
