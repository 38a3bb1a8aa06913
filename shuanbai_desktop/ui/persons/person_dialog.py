"""新建/编辑居民. Duplicates: the same ID number opens the existing record; similar persons
(same name and birth date or village) are listed masked, and 仍然新建 saves anyway.

An existing person's ID number opens masked; “显示完整号码…” (PERSON_REVEAL_ID) asks for a reason,
which the service writes to the audit trail, and then shows the number. A number never shown in
full is never sent back: saving keeps the stored one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import persons
from ...services.permissions import Permission
from ...services.persons import DuplicatePerson, SimilarPersons
from ..context import AppContext
from ..dialog_keys import first_field
from ..forms import FormErrors
from ..report.month_override import ReasonDialog
from ..widgets import WARN_STYLE, dialog_buttons, note
from .common import age_text, typed_person
from .person_form import BasicFields, ProfileFields, person_input


class ChoicePanel(QWidget):
    """Shown under the form when saving found the same or similar persons."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.message = note(style=WARN_STYLE)
        self.candidates = QListWidget()
        self.candidates.setMaximumHeight(96)
        self.open_button = QPushButton("打开已有记录")
        self.create_button = QPushButton("仍然新建")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.candidates)
        layout.addLayout(row)
        self.hide()

    def show_duplicate(self, exc: DuplicatePerson) -> None:
        self.message.setText(exc.message.replace("已为您打开该居民的记录。", "请打开已有记录核对，不要重复登记。"))
        self.candidates.clear()
        self.candidates.hide()
        self.existing_id = exc.existing_id
        self.create_button.hide()
        self.show()

    def show_similar(self, exc: SimilarPersons) -> None:
        self.message.setText("已有相似的居民（同名且出生日期相同，或同名且在同一村(居)）。"
                             "如是同一人，请选中后打开已有记录；确认不是同一人，请点“仍然新建”。")
        self.candidates.clear()
        for c in exc.candidates:
            item = QListWidgetItem(f"{c.name}　{c.sex}　{age_text(c.age)}　{c.id_masked or '无身份证号'}　"
                                   f"{c.village_name or '未填村(居)'}")
            item.setData(256, c.id)
            self.candidates.addItem(item)
        self.candidates.setCurrentRow(0)
        self.candidates.show()
        self.existing_id = None
        self.create_button.show()
        self.show()

    def chosen_existing(self) -> int | None:
        if self.existing_id is not None:
            return self.existing_id
        item = self.candidates.currentItem()
        return item.data(256) if item else None


class PersonDialog(QDialog):
    """After ``exec()`` is accepted, ``person_id`` is the saved (or the existing, opened) person.

    ``typed``: what a search held when 新建居民 was asked for (F2); a name, an ID number or a phone number in
    it is filled in, and the dialog starts in the first field still empty. Keys: ``dialog_keys``."""

    def __init__(self, ctx: AppContext, person_id: int | None = None, parent=None, typed: str = ""):
        super().__init__(parent)
        self._ctx = ctx
        self._editing = person_id
        self.person_id: int | None = person_id
        self._version: int | None = None  # the record's version when the form was filled (a stale save is refused)
        self.setWindowTitle("编辑居民信息" if person_id else "新建居民")
        self.resize(680, 620)
        self.basic = BasicFields(ctx)
        self.profile = ProfileFields()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.basic, "基本信息")
        self.tabs.addTab(self.profile, "服务对象信息")
        self.choice = ChoicePanel()
        self.choice.open_button.clicked.connect(self._open_existing)
        self.choice.create_button.clicked.connect(lambda: self.save(confirm_similar=True))
        self.choice.candidates.itemDoubleClicked.connect(self._open_existing)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {**self.basic.fields(), **self.profile.fields()})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(lambda: self.save())
        self.basic.reveal_button.clicked.connect(lambda: self.reveal_id())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.choice)
        layout.addWidget(buttons)
        if person_id:
            self._load(person_id)
        elif typed.strip():
            self._carry_over(typed)
        if not ctx.can(Permission.PERSON_EDIT if person_id else Permission.PERSON_CREATE):
            self.save_button.setEnabled(False)
            self.setWindowTitle("居民信息（只读）")

    def _carry_over(self, typed: str) -> None:
        name, id_number, phone = typed_person(typed)
        self.basic.name_edit.setText(name)
        self.basic.id_edit.setText(id_number)
        self.basic.phone_edit.setText(phone)
        field = first_field(self, empty=True)
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load(self, person_id: int) -> None:
        with self._ctx.session() as s:
            detail = persons.get_person(s, person_id)
        self._version = detail.version
        self.basic.fill(detail)
        self.profile.fill(detail)

    def ask_reveal_reason(self) -> str | None:
        dialog = ReasonDialog("查看完整身份证号", "完整身份证号只在确有需要时查看（如核对证件、修改号码）。"
                              "请填写原因：查看人、时间和原因记入操作日志。", self, label="查看原因")
        dialog.reason.setPlaceholderText("例如：核对低保申请材料")
        return dialog.text if dialog.exec() == QDialog.DialogCode.Accepted else None

    def reveal_id(self, reason: str | None = None) -> bool:
        """Show the full ID number after asking why (the reason goes to the audit trail)."""
        if self._editing is None or self.basic.id_revealed:
            return False
        reason = reason if reason is not None else self.ask_reveal_reason()
        if reason is None:
            return False
        self.errors.clear()
        try:
            with self._ctx.session() as s:
                number = persons.reveal_id_number(s, self._editing, reason)
        except UserError as exc:
            self.tabs.setCurrentWidget(self.basic)
            self.errors.show(UserError(exc.message, field="身份证号"))
            return False
        self.basic.show_full(number)
        return True

    def _tab_of(self, field: str | None) -> None:
        if field in self.profile.fields():
            self.tabs.setCurrentWidget(self.profile)
        elif field in self.basic.fields():
            self.tabs.setCurrentWidget(self.basic)

    def save(self, confirm_similar: bool = False) -> None:
        self.errors.clear()
        self.choice.hide()
        try:
            with self._ctx.session() as s:
                saved = persons.save_person(s, person_input(self.basic, self.profile), self._editing,
                                            confirm_similar=confirm_similar, version=self._version)
        except DuplicatePerson as exc:
            self._tab_of(exc.field)
            self.errors.show(exc)
            self.choice.show_duplicate(exc)
            return
        except SimilarPersons as exc:
            self.choice.show_similar(exc)
            return
        except UserError as exc:
            self._tab_of(exc.field)
            self.errors.show(exc)
            return
        self.person_id = saved
        self.accept()

    def _open_existing(self, *_args) -> None:
        existing = self.choice.chosen_existing()
        if existing is not None:
            self.person_id = existing
            self.accept()
