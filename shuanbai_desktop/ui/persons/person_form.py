"""The fields of the person dialog: 基本信息 and 服务对象信息 (groups, disability, guardian, benefits)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.idcard import age_on, parse_id_number
from ...domain.labels import PersonStatus
from ...domain.target_labels import BenefitKind, DisabilityGrade, DisabilityType, Health, TargetGroup
from ...errors import UserError
from ...services.permissions import Permission
from ...services.persons import PersonDetail, PersonInput
from ...services.targets.profile import BenefitInput
from ..context import AppContext
from ..widgets import NOTE_STYLE, KindAmountRows, fill_enum, select_data
from .common import village_combo


class BasicFields(QWidget):
    """基本信息. A loaded person's ID number is shown masked and read-only; the dialog's
    “显示完整号码…” (``reveal_button``, for roles with PERSON_REVEAL_ID) puts the full number in
    and makes it editable. Until then ``id_value()`` is None: saving keeps the stored number."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._masked: str | None = None  # the masked number on show in place of the stored one
        self._can_reveal = ctx.can(Permission.PERSON_REVEAL_ID)
        self.reveal_button = QPushButton("显示完整号码…")
        self.reveal_button.setToolTip("查看完整身份证号须填写原因，记入操作日志")
        self.reveal_button.hide()
        self.name_edit = QLineEdit(placeholderText="身份证上的姓名，生僻字可用输入法的“生僻字”功能输入")
        self.name_edit.setMaxLength(40)
        self.id_edit = QLineEdit(placeholderText="18 位身份证号（旧 15 位号码会自动升级）")
        self.id_edit.setMaxLength(25)
        self.id_hint = QLabel()
        self.id_hint.setStyleSheet(NOTE_STYLE)
        self.id_hint.hide()
        self.reason_edit = QLineEdit(placeholderText="没有身份证号时必填，例如：新生儿未办证")
        self.phone_edit = QLineEdit(placeholderText="手机号或固定电话，例如 13800138000")
        self.village_combo = village_combo(ctx)
        self.address_edit = QLineEdit()
        self.status_combo = fill_enum(QComboBox(), PersonStatus)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(60)
        self.id_edit.textChanged.connect(self._update_hint)
        id_row = QHBoxLayout()
        id_row.setContentsMargins(0, 0, 0, 0)
        id_row.addWidget(self.id_edit, 1)
        id_row.addWidget(self.reveal_button)
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, widget in (("姓名：", self.name_edit), ("身份证号：", id_row), ("", self.id_hint),
                              ("无身份证号原因：", self.reason_edit), ("联系电话：", self.phone_edit),
                              ("村(居)：", self.village_combo), ("住址：", self.address_edit),
                              ("状态：", self.status_combo), ("备注：", self.notes_edit)):
            form.addRow(label, widget)

    def _update_hint(self, text: str) -> None:
        self._set_hint("")
        if self._masked is not None:
            more = "；需要核对或修改时点“显示完整号码…”" if self._can_reveal else ""
            self._set_hint(f"身份证号已遮蔽，保存时保留原号码{more}。")
            return
        if not text.strip():
            return
        try:
            info = parse_id_number(text)
        except UserError as exc:
            self._set_hint(exc.message if len(text.strip()) >= 15 else "")
            return
        age = age_on(info.birth_date, date.today())
        self._set_hint(f"{info.sex}，{info.birth_date:%Y-%m-%d} 出生，{age} 岁")

    def _set_hint(self, text: str) -> None:
        self.id_hint.setText(text)
        self.id_hint.setVisible(bool(text))

    def show_masked(self, masked: str) -> None:
        """The stored number, masked: read-only, kept as it is when saving."""
        self._masked = masked or None
        self.id_edit.setReadOnly(self._masked is not None)
        self.id_edit.setText(masked)
        self.reveal_button.setVisible(self._masked is not None and self._can_reveal)

    def show_full(self, number: str) -> None:
        """The full number (revealed with a reason): editable, saved as typed."""
        self._masked = None
        self.id_edit.setReadOnly(False)
        self.id_edit.setText(number)
        self.reveal_button.hide()

    @property
    def id_revealed(self) -> bool:
        return self._masked is None

    def id_value(self) -> str | None:
        """What to save: None keeps the stored number (it was never shown in full)."""
        return None if self._masked is not None else self.id_edit.text()

    def fill(self, p: PersonDetail) -> None:
        self.name_edit.setText(p.name)
        self.show_masked(p.id_masked)
        self.reason_edit.setText(p.no_id_reason)
        self.phone_edit.setText(p.phone)
        select_data(self.village_combo, p.village_code)
        self.address_edit.setText(p.address)
        select_data(self.status_combo, p.status.value)
        self.notes_edit.setPlainText(p.notes)

    def fields(self) -> dict[str, QWidget]:
        return {"姓名": self.name_edit, "身份证号": self.id_edit, "无身份证号原因": self.reason_edit,
                "联系电话": self.phone_edit, "村(居)": self.village_combo, "住址": self.address_edit,
                "备注": self.notes_edit}


class BenefitsTable(KindAmountRows):
    """享受待遇: one row per benefit (kind, monthly amount, note)."""

    def __init__(self, parent=None):
        super().__init__(BenefitKind, BenefitKind.DIBAO, ("待遇", "每月金额（元）", "说明"), "添加待遇", 110, parent)
        self.table.setMinimumHeight(110)

    def values(self) -> tuple[BenefitInput, ...]:
        return tuple(BenefitInput(kind, amount, None, note) for kind, amount, note in self.rows())


class ProfileFields(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.group_boxes: dict[TargetGroup, QCheckBox] = {g: QCheckBox(g.label) for g in TargetGroup}
        groups = QWidget()
        grid = QGridLayout(groups)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.group_boxes.values()):
            grid.addWidget(box, i // 4, i % 4)
        self.disability_combo = fill_enum(QComboBox(), DisabilityType)
        self.grade_combo = fill_enum(QComboBox(), DisabilityGrade)
        self.health_combo = fill_enum(QComboBox(), Health)
        self.health_note = QLineEdit(placeholderText="主要疾病、照料需要等")
        self.guardian_edit = QLineEdit(placeholderText="未成年服务对象必填")
        self.guardian_relation = QLineEdit(placeholderText="例如：祖母")
        self.guardian_phone = QLineEdit()
        self.benefits = BenefitsTable()
        self.household_label = QLabel("尚未建立户档")
        disability = QHBoxLayout()
        disability.addWidget(self.disability_combo, 1)
        disability.addWidget(QLabel("等级："))
        disability.addWidget(self.grade_combo)
        guardian = QHBoxLayout()
        for label, widget in (("", self.guardian_edit), ("关系：", self.guardian_relation),
                              ("电话：", self.guardian_phone)):
            if label:
                guardian.addWidget(QLabel(label))
            guardian.addWidget(widget, 1)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("服务对象类别：", groups)
        form.addRow("残疾类别：", disability)
        form.addRow("健康状况：", self.health_combo)
        form.addRow("健康说明：", self.health_note)
        form.addRow("监护人：", guardian)
        form.addRow("享受待遇：", self.benefits)
        form.addRow("户档：", self.household_label)

    def fill(self, p: PersonDetail) -> None:
        for group, box in self.group_boxes.items():
            box.setChecked(group in p.groups)
        select_data(self.disability_combo, p.disability_type.value)
        select_data(self.grade_combo, p.disability_grade.value)
        select_data(self.health_combo, p.health.value)
        self.health_note.setText(p.health_note)
        self.guardian_edit.setText(p.guardian_name)
        self.guardian_relation.setText(p.guardian_relation)
        self.guardian_phone.setText(p.guardian_phone)
        for b in p.benefits:
            self.benefits.add_row(b.kind, "" if b.monthly_amount is None else f"{b.monthly_amount}", b.note)
        if p.household_id:
            self.household_label.setText(f"{p.household_name}（{p.relation_label or '成员'}）")

    def fields(self) -> dict[str, QWidget]:
        return {"服务对象类别": self.group_boxes[TargetGroup.LOW_INCOME].parentWidget(),
                "残疾类别": self.disability_combo, "健康说明": self.health_note, "监护人": self.guardian_edit,
                "与监护人关系": self.guardian_relation, "监护人电话": self.guardian_phone,
                "享受待遇": self.benefits.table,
                **{f"{kind.label}金额": self.benefits.table for kind in BenefitKind}}


def person_input(basic: BasicFields, prof: ProfileFields) -> PersonInput:
    benefits = prof.benefits.values()
    return PersonInput(
        basic.name_edit.text(), basic.id_value(), basic.reason_edit.text(), basic.phone_edit.text(),
        basic.village_combo.currentData(), basic.address_edit.text(), PersonStatus(basic.status_combo.currentData()),
        basic.notes_edit.toPlainText(),
        groups=tuple(g for g, box in prof.group_boxes.items() if box.isChecked()),
        disability_type=prof.disability_combo.currentData(), disability_grade=prof.grade_combo.currentData(),
        guardian_name=prof.guardian_edit.text(), guardian_relation=prof.guardian_relation.text(),
        guardian_phone=prof.guardian_phone.text(), health=prof.health_combo.currentData(),
        health_note=prof.health_note.text(), benefits=benefits)
