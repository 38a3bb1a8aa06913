"""设置 → 事项目录: the station's matters, their material lists, default handling, time limit, department."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from ...domain.counter_labels import Handling
from ...services.window import catalogue, departments
from ...services.window.catalogue import MatterInput, MatterType
from .. import messages
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..table_model import Column
from ..widgets import (
    WARN_STYLE,
    dialog_buttons,
    fill_combo,
    note,
    select_data,
)
from .ordered_choices import OrderedChoicesPage

INTRO = ("以下为乡镇(街道)社工站常见事项的参考设置（所需材料、默认办理方式、办理时限、接收部门），"
         "请按本县（区）的规定调整。修改事项不会改变已经登记的记录；不再办理的事项请“停用”。")
COLUMNS = (Column("事项", lambda m: m.name), Column("默认办理", lambda m: m.default_handling.label),
           Column("办理时限", lambda m: m.limit_text), Column("接收部门", lambda m: m.department_name or "—"),
           Column("材料", lambda m: f"{len(m.materials)} 项" if m.materials else "无需材料"),
           Column("已登记", lambda m: f"{m.registrations} 件", align_right=True),
           Column("状态", lambda m: "启用" if m.active else "已停用"))


class MatterDialog(QDialog):
    def __init__(self, ctx: AppContext, matter: MatterType | None, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._matter = matter
        self.saved_id: int | None = None
        self.setWindowTitle("编辑事项" if matter else "新增事项")
        self.resize(640, 600)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(40)
        self.handling_combo = fill_combo(QComboBox(), ((h.value, h.label) for h in Handling))
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(0, 365)
        self.limit_spin.setSuffix(" 个工作日")
        self.limit_spin.setSpecialValueText("0（当场办结）")
        self.department_combo = QComboBox()
        with ctx.session() as s:
            fill_combo(self.department_combo, ((d.id, d.name) for d in departments.list_departments(s)),
                       empty="（无）")
        self.materials_edit = QPlainTextEdit(placeholderText="每行一项，例如：\n居民身份证、户口簿原件及复印件")
        self.materials_edit.setTabChangesFocus(True)
        self.guidance_edit = QPlainTextEdit(placeholderText="打印在告知单上的补充说明（可不填）")
        self.guidance_edit.setTabChangesFocus(True)
        self.guidance_edit.setFixedHeight(70)
        self.active_check = QCheckBox("启用（停用后窗口登记时不再出现）")
        self.active_check.setChecked(True)
        self._build()
        if matter:
            self._fill(matter)

    def _build(self) -> None:
        form = QFormLayout()
        for label, widget in (("事项名称：", self.name_edit), ("默认办理方式：", self.handling_combo),
                              ("办理时限：", self.limit_spin), ("接收部门：", self.department_combo),
                              ("所需材料：", self.materials_edit), ("办理说明：", self.guidance_edit),
                              ("", self.active_check)):
            form.addRow(label, widget)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "事项名称": self.name_edit, "办理时限": self.limit_spin, "接收部门": self.department_combo,
            "所需材料": self.materials_edit, "办理说明": self.guidance_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(note("时限按国家法定工作日计算（节假日和调休已考虑）；0 表示当场办结。"))
        layout.addLayout(form, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _fill(self, m: MatterType) -> None:
        self.name_edit.setText(m.name)
        select_data(self.handling_combo, m.default_handling.value)
        self.limit_spin.setValue(m.time_limit_days)
        select_data(self.department_combo, m.department_id)
        self.materials_edit.setPlainText("\n".join(m.materials))
        self.guidance_edit.setPlainText(m.guidance)
        self.active_check.setChecked(m.active)

    def save(self) -> None:
        data = MatterInput(self.name_edit.text(), self.materials_edit.toPlainText(), self.guidance_edit.toPlainText(),
                           Handling(self.handling_combo.currentData()), self.limit_spin.value(),
                           self.department_combo.currentData(), self.active_check.isChecked())
        matter_id = self._matter.id if self._matter else None
        version = self._matter.version if self._matter else None
        save_and_accept(self, self._ctx, self.errors,
                        lambda s: catalogue.save_matter(s, data, matter_id, version=version))


class MattersSettingsPage(OrderedChoicesPage):
    add_text = "新增事项…"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, note(INTRO, WARN_STYLE), parent)
        self.refresh()

    def load(self, session) -> list[MatterType]:
        return catalogue.list_matters(session, include_inactive=True, with_counts=True)

    def make_dialog(self, matter: MatterType | None) -> MatterDialog:
        return MatterDialog(self._ctx, matter, self)

    def move_record(self, session, record_id: int, step: int) -> None:
        catalogue.move(session, record_id, step)

    def set_active(self, session, record_id: int, active: bool) -> None:
        catalogue.set_active(session, record_id, active)

    def may_stop(self, matter: MatterType) -> bool:
        return messages.confirm(self, f"停用事项“{matter.name}”？已登记的记录不受影响。")
