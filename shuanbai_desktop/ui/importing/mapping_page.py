"""Step 3 of the import wizard: which column feeds each field, a fixed value for a field the file lacks, and
for a column of codes or the roster's own names (性别 1/2, the villages) what each value in the file means.

The suggestion comes from ``mapping.suggest_mapping`` (the mapping remembered for files of this shape, else the
Chinese synonyms); value maps from ``mapping.suggest_values`` (fuzzy for villages). The user's mapping is
checked by ``mapping.check_mapping`` before the dry run starts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.redact import redact_text
from ...services.importing import batch
from ...services.importing import mapping as mappings
from ...services.importing.base import Field, FieldType, Mapping, ProgressFn
from ...services.importing.values import SPLIT_CHOICES, cell_text, resolve_choice
from ..report.worker import reading_db
from ..widgets import ERROR_STYLE, NOTE_STYLE, RED, fill_combo, note, select_data
from .step_page import ImportState, StepPage, Work

NOT_USED = -1  # the source combo's data: no column, no fixed value
FIXED = -2  # a fixed value for every row
EXAMPLES = 3
VALUE_LIMIT = 200
BOOL_CHOICES = (("是", "是"), ("否", "否"))


class ListCombo(QComboBox):
    """A combo box in a scrolled list: the mouse wheel scrolls the list unless the box has the focus (a wheel
    turned over the mapping must not change a column silently)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def parts(texts: list[str], field: Field) -> list[str]:
    """The texts the value map is keyed by: whole cells, or each part of a CHOICES cell."""
    if field.type is not FieldType.CHOICES:
        return texts
    seen: dict[str, None] = {}
    for text in texts:
        for part in SPLIT_CHOICES.split(text):
            if part:
                seen.setdefault(part, None)
    return list(seen)


class FieldRow:
    """The widgets of one field: its title, where it comes from, the fixed value, examples from the file."""

    def __init__(self, field: Field, choices: tuple[tuple[str, str], ...], columns):
        self.field = field
        self.choices = choices
        title = field.title + (" *" if field.required else "")
        self.title = QLabel(title)
        if field.required:
            self.title.setStyleSheet(f"color: {RED};")
        self.title.setToolTip(field.hint or field.title)
        self.source = ListCombo()
        self.source.addItem("（不导入）", NOT_USED)
        self.source.addItem("填固定值 →", FIXED)
        for position, column in enumerate(columns):  # the mapping names a column by its position in the table
            self.source.addItem(f"{column.letter}  {column.title or '（无标题）'}", position)
        self.source.setMinimumWidth(200)
        self.source.setMaximumWidth(260)
        self.title.setBuddy(self.source)
        fixed_choices = choices or (BOOL_CHOICES if field.type is FieldType.BOOL else ())
        if fixed_choices:
            self.fixed: QComboBox | QLineEdit = fill_combo(ListCombo(), ((label, label) for _v, label in fixed_choices),
                                                            empty="")
        else:
            self.fixed = QLineEdit()
            self.fixed.setPlaceholderText(field.hint)
        self.fixed.setMinimumWidth(150)
        self.fixed.setMaximumWidth(220)
        self.example = QLabel()
        self.example.setMinimumWidth(120)
        self.example.setStyleSheet(NOTE_STYLE)

    def set_source(self, column: int | None, fixed: str | None) -> None:
        if column is not None:
            select_data(self.source, column)
        elif fixed:
            select_data(self.source, FIXED)
            self.set_fixed(fixed)
        else:
            select_data(self.source, NOT_USED)
        self.update_enabled()

    def set_fixed(self, text: str) -> None:
        if isinstance(self.fixed, QComboBox):
            index = self.fixed.findText(text)
            if index < 0:
                index = next((self.fixed.findText(label) for value, label in self.choices if value == text), -1)
            self.fixed.setCurrentIndex(max(index, 0))
        else:
            self.fixed.setText(text)

    def fixed_text(self) -> str:
        if isinstance(self.fixed, QComboBox):
            return self.fixed.currentText().strip()
        return self.fixed.text().strip()

    @property
    def column(self) -> int | None:
        data = self.source.currentData()
        return data if isinstance(data, int) and data >= 0 else None

    def update_enabled(self) -> None:
        self.fixed.setEnabled(self.source.currentData() == FIXED)

    @property
    def has_value_map(self) -> bool:
        return bool(self.choices) and self.field.type in (FieldType.CHOICE, FieldType.CHOICES)


class MappingPage(StepPage):
    busy_text = "正在逐行核对…"

    def __init__(self, state: ImportState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.setTitle("第 3 步：列对应")
        self.setSubTitle("为每一项选择文件中的列；文件中没有的项可以填一个固定值（例如整份低保名册的“人员类别”都是低保对象）。"
                         "带 * 的项必须有。同样格式的文件下次会自动用这次的对应。")
        self.rows: dict[str, FieldRow] = {}
        self.value_maps: dict[str, dict[str, str]] = {}  # field key → {text in file: choice value}
        self._value_combos: dict[str, QComboBox] = {}  # text in file → its combo (the field shown)
        self._value_states: dict[str, QLabel] = {}  # text in file → how the dry run will read it
        self._value_field = ""
        self.rows_note = note()
        self.restore_button = QPushButton("恢复建议的对应(&D)")
        self.restore_button.clicked.connect(self.restore_suggestion)
        top = QHBoxLayout()
        top.addWidget(self.rows_note, 1)
        top.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignTop)
        self.fields_area = QScrollArea()
        self.fields_area.setWidgetResizable(True)
        self.values_box = QGroupBox("取值对应")
        self.value_field_combo = QComboBox()
        self.value_field_combo.currentIndexChanged.connect(self._value_field_chosen)
        self.values_area = QScrollArea()
        self.values_area.setWidgetResizable(True)
        self.values_note = note()
        value_label = QLabel("项目(&V)：")
        value_label.setBuddy(self.value_field_combo)
        chooser = QHBoxLayout()
        chooser.addWidget(value_label)
        chooser.addWidget(self.value_field_combo, 1)
        box_layout = QVBoxLayout(self.values_box)
        box_layout.addLayout(chooser)
        box_layout.addWidget(self.values_note)
        box_layout.addWidget(self.values_area, 1)
        columns = QHBoxLayout()
        columns.addWidget(self.fields_area, 3)
        columns.addWidget(self.values_box, 2)
        self.body.addLayout(top)
        self.body.addLayout(columns, 1)

    # --- building the page ----------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 (Qt)
        self.clear_error()
        table = self.state.table
        self.rows_note.setText(self._rows_text())
        self._value_combos, self._value_field = {}, ""
        self.value_maps = {k: dict(v) for k, v in self.state.mapping.values.items()}
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(10)
        for column, text in enumerate(("项目", "文件中的列", "固定值", "文件中的例子")):
            label = QLabel(f"<b>{text}</b>")
            grid.addWidget(label, 0, column)
        self.rows = {}
        for number, field in enumerate(self.state.spec.fields, start=1):
            row = FieldRow(field, self._choices(field), table.columns)
            self.rows[field.key] = row
            for column, widget in enumerate((row.title, row.source, row.fixed, row.example)):
                grid.addWidget(widget, number, column)
            row.source.currentIndexChanged.connect(self._source_changed)
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(len(self.rows) + 1, 1)
        self.fields_area.setWidget(inner)
        self.show_mapping(self.state.mapping)

    def _choices(self, field: Field) -> tuple[tuple[str, str], ...]:
        return tuple(self.state.choices.get(field.key, field.choices))  # as the dry run takes them

    def _rows_text(self) -> str:
        table = self.state.table
        headers = "、".join(str(r) for r in table.header_rows)
        if table.rows:
            text = (f"表头：第 {headers} 行。数据：第 {table.rows[0][0]}–{table.rows[-1][0]} 行中的 "
                    f"{len(table.rows):,} 行。")
        else:
            text = f"表头：第 {headers} 行。表头下面没有数据行。"
        if table.left_out:
            shown = "；".join(f"第 {row} 行（{why}）" for row, why in table.left_out[:6])
            more = f" 等 {len(table.left_out)} 行" if len(table.left_out) > 6 else ""
            text += f"\n不导入：{shown}{more}。"
        return text

    def show_mapping(self, mapping: Mapping) -> None:
        for key, row in self.rows.items():
            row.source.blockSignals(True)
            row.set_source(mapping.columns.get(key), mapping.fixed.get(key))
            row.source.blockSignals(False)
            self._show_example(row)
        self._refresh_value_fields()

    def restore_suggestion(self) -> None:
        self._value_combos, self._value_field = {}, ""
        self.value_maps = {k: dict(v) for k, v in self.state.mapping.values.items()}
        self.show_mapping(self.state.mapping)

    def _source_changed(self, *_args) -> None:
        for key, row in self.rows.items():
            row.update_enabled()
            self._show_example(row)
            if row.column is None:
                self.value_maps.pop(key, None)
        self._refresh_value_fields()

    def _show_example(self, row: FieldRow) -> None:
        if row.column is None:
            row.example.setText("")
            row.example.setToolTip("")
            return
        column = self.state.table.columns[row.column].index
        found: list[str] = []
        for _number, cells in self.state.table.rows:
            text = cell_text(cells[column]) if column < len(cells) else ""
            if text:
                found.append(redact_text(text))
            if len(found) >= EXAMPLES:
                break
        row.example.setText("、".join(found) or "（这一列是空的）")
        row.example.setToolTip(row.example.text())

    # --- value maps ---------------------------------------------------------------------------------------
    def _refresh_value_fields(self) -> None:
        current = self.value_field_combo.currentData()
        self.value_field_combo.blockSignals(True)
        self.value_field_combo.clear()
        for key, row in self.rows.items():
            if row.has_value_map and row.column is not None:
                letter = self.state.table.columns[row.column].letter
                self.value_field_combo.addItem(f"{row.field.title}（{letter} 列）", key)
        if current is None:  # first shown: a field whose values needed a suggestion (the villages, say)
            current = next((key for key in self.value_maps if self.value_field_combo.findData(key) >= 0), None)
        select_data(self.value_field_combo, current)
        self.value_field_combo.blockSignals(False)
        self.values_box.setEnabled(self.value_field_combo.count() > 0)
        self._value_field_chosen()

    def _value_field_chosen(self, *_args) -> None:
        self._save_value_combos()
        key = self.value_field_combo.currentData() or ""
        self._value_field = key
        self._value_combos = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        if not key:
            self.values_note.setText("选了文件中列的“性别”“所属村(居)”“人员类别”等项目在这里逐个对应文件中的写法。")
            self.values_area.setWidget(inner)
            return
        row = self.rows[key]
        texts = parts(mappings.distinct_texts(self.state.table, row.column, VALUE_LIMIT), row.field)
        known = self.value_maps.get(key)
        if known is None:
            suggested = mappings.suggest_values(row.field, texts, row.choices)
            known = {text: value for text, value in suggested.items()
                     if resolve_choice(text, row.field, None, row.choices) is None}
            self.value_maps[key] = dict(known)
        self._value_states = {}
        for column, title in enumerate(("文件中的写法", "对应为", "")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for number, text in enumerate(texts, start=1):
            label = QLabel(text)
            combo = fill_combo(ListCombo(), ((value, label_) for value, label_ in row.choices), empty="（按原文）")
            combo.setMinimumWidth(150)
            select_data(combo, known.get(text))
            combo.currentIndexChanged.connect(self._save_value_combos)
            label.setBuddy(combo)
            state = QLabel()
            grid.addWidget(label, number, 0)
            grid.addWidget(combo, number, 1)
            grid.addWidget(state, number, 2)
            self._value_combos[text] = combo
            self._value_states[text] = state
        grid.setColumnStretch(2, 1)
        self._show_value_states()
        grid.setRowStretch(len(texts) + 1, 1)
        self.values_area.setWidget(inner)
        more = "（只列出前 200 种）" if len(texts) >= VALUE_LIMIT else ""
        self.values_note.setText(f"文件中有 {len(texts)} 种写法{more}；写法与选项名称不同的，已按名称近似给出建议，请核对。"
                                 "红色的写法不能识别，核对时会作为问题列出。")

    def _show_value_states(self) -> None:
        row = self.rows.get(self._value_field)
        if row is None:
            return
        labels = dict((value, label) for value, label in row.choices)
        for text, combo in self._value_combos.items():
            state = self._value_states[text]
            if combo.currentData():
                state.setText("")
                continue
            found = resolve_choice(text, row.field, None, row.choices)
            if found is None:
                state.setText("不能识别")
                state.setStyleSheet(ERROR_STYLE)
            else:
                state.setText("按原文可识别")
                state.setToolTip(f"即“{labels.get(found, found)}”")
                state.setStyleSheet(NOTE_STYLE)

    def _save_value_combos(self, *_args) -> None:
        if not self._value_field or not self._value_combos:
            return
        chosen = {}
        for text, combo in self._value_combos.items():
            value = combo.currentData()
            if value:
                chosen[text] = value
        self.value_maps[self._value_field] = chosen
        self._show_value_states()

    def value_texts(self) -> list[str]:
        """The texts in the file listed for the field shown."""
        return list(self._value_combos)

    def set_value(self, key: str, text: str, value: str | None) -> None:
        """Map ``text`` of field ``key`` to the choice ``value`` (tests)."""
        select_data(self.value_field_combo, key)
        select_data(self._value_combos[text], value)

    # --- the mapping and the dry run -----------------------------------------------------------------------
    def current_mapping(self) -> Mapping:
        self._save_value_combos()
        columns: dict[str, int] = {}
        fixed: dict[str, str] = {}
        values: dict[str, dict[str, str]] = {}
        for key, row in self.rows.items():
            if row.column is not None:
                columns[key] = row.column
                if row.has_value_map and self.value_maps.get(key):
                    values[key] = dict(self.value_maps[key])
            elif row.source.currentData() == FIXED and row.fixed_text():
                fixed[key] = row.fixed_text()
        return Mapping(columns, fixed, values)

    def set_source(self, key: str, column: int | None = None, fixed: str | None = None) -> None:
        """Take ``key`` from column ``column`` or the fixed text ``fixed`` (tests, the screenshots)."""
        self.rows[key].set_source(column, fixed)

    def check(self) -> bool:
        mapping = self.current_mapping()
        problems = mappings.check_mapping(self.state.spec, self.state.table, mapping)
        if problems:
            self.show_error("\n".join(problem.reason for problem in problems))
            return False
        self.state.mapping = mapping
        return True

    def work(self) -> Work:
        ctx, kind, table, mapping, today = (self.state.ctx, self.state.kind, self.state.table, self.state.mapping,
                                            self.state.today)

        def check_rows(progress: ProgressFn) -> Any:
            with reading_db(ctx).session(ctx.user.actor) as s:
                return batch.dry_run(s, kind, table, mapping, today, progress)

        return check_rows

    def take(self, result: Any) -> None:
        # the screens list only the rows that meet a record or resemble one; the import checks every row again,
        # so the clean values of the others need not be held meanwhile (100,000 rows: about 100 MB)
        listed = tuple(c for c in result.checked if c.existing_id is not None or c.duplicate_of)
        self.state.dry = replace(result, checked=listed)
