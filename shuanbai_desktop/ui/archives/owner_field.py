"""所属: whom a file belongs to — nobody in particular, a resident (picked from the registry) or a staff member."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ...domain.archive_rules import OwnerKind
from ...services.archives.catalogue import OwnerLink
from ..context import AppContext
from ..widgets import data_as, name_combo
from .person_picker import PersonPickerDialog


class OwnerField(QWidget):
    def __init__(self, ctx: AppContext, people: list[str], parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._person: OwnerLink | None = None
        self._other: OwnerLink | None = None  # a household or case link made by those features
        self.picker: PersonPickerDialog | None = None
        self.kind_combo = QComboBox()
        for text, kind in (("（不属于具体的人）", None), (OwnerKind.PERSON.label, OwnerKind.PERSON),
                           (OwnerKind.STAFF.label, OwnerKind.STAFF)):
            self.kind_combo.addItem(text, kind)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.person_label = QLabel()
        self.pick_button = QPushButton("选择居民…")
        self.pick_button.clicked.connect(lambda: self.pick_person())
        self.staff_combo = name_combo(people)
        self.staff_combo.setMinimumWidth(180)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind_combo, self.person_label, self.pick_button, self.staff_combo):
            row.addWidget(widget)
        row.addStretch(1)
        self._kind_changed()

    def set_owner(self, owner: OwnerLink | None) -> None:
        if owner is None:
            return
        if owner.kind in (OwnerKind.HOUSEHOLD, OwnerKind.CASE):
            self._other = owner
            self.kind_combo.addItem(f"{owner.kind.label}：{owner.label}", owner.kind)
        elif owner.kind is OwnerKind.PERSON:
            self._person = owner
        else:
            self.staff_combo.setCurrentText(owner.label)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(owner.kind))

    def _kind_changed(self, *_args) -> None:
        kind = data_as(self.kind_combo, OwnerKind)
        self.person_label.setVisible(kind is OwnerKind.PERSON)
        self.pick_button.setVisible(kind is OwnerKind.PERSON)
        self.staff_combo.setVisible(kind is OwnerKind.STAFF)
        self.person_label.setText(self._person.label if self._person else "（未选择）")

    def pick_person(self) -> PersonPickerDialog:
        picker = PersonPickerDialog(self._ctx, self)
        picker.accepted.connect(lambda: self.set_person(picker.chosen.id, picker.chosen.name))
        self.picker = picker
        picker.open()
        return picker

    def set_person(self, person_id: int, name: str) -> None:
        self._person = OwnerLink(OwnerKind.PERSON, person_id, name)
        self._kind_changed()

    def owner(self) -> OwnerLink | None:
        kind = data_as(self.kind_combo, OwnerKind)
        if kind is OwnerKind.PERSON:
            return self._person or OwnerLink(OwnerKind.PERSON, None)
        if kind is OwnerKind.STAFF:
            return OwnerLink(OwnerKind.STAFF, None, self.staff_combo.currentText())
        return self._other if kind is not None else None
