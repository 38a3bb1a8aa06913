"""Steps 1 and 2 of the import wizard: the file, the kind of data and the encoding; then the sheet and the
header row over a preview of the first rows as read (header rows shaded, title rows above them dimmed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...domain.redact import redact_text
from ...errors import UserError
from ...services.importing import kinds, reader
from ...services.importing import table as tables
from ...services.importing.base import ImportKind, ProgressFn
from ...services.importing.table import column_letter
from ..output import IMPORTS, ask_open
from ..widgets import GREY, HEADER_SHADE, data_as, fill_combo, fill_enum, note, select_data
from .step_page import ImportState, StepPage, Work

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;所有文件 (*)"
TEXT_SUFFIXES = (".csv", ".txt")
ENCODINGS = ((None, "自动识别"), ("utf-8", "UTF-8"), ("gb18030", "GB18030 / GBK（WPS、旧系统导出）"))
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GB18030", "gbk": "GBK"}
HEADER_BRUSH = QBrush(QColor(HEADER_SHADE))  # the header row(s) in the preview
PREVIEW_ROWS = 12  # rows of data shown under the header row
SHADING_ROWS = 60  # rows read below the header to tell a one-row from a two-row header


class FilePage(StepPage):
    busy_text = "正在读取文件…"

    def __init__(self, state: ImportState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.setTitle("第 1 步：选择文件和数据类型")
        self.setSubTitle("可导入 Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）表格和 CSV 文本（.csv、.txt）。")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("点“选择文件…”或粘贴文件的完整路径")
        self.path_edit.textChanged.connect(self._path_changed)
        self.browse_button = QPushButton("选择文件(&F)…")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.kind_combo = fill_enum(QComboBox(), ImportKind)
        self.encoding_combo = fill_combo(QComboBox(), ENCODINGS)
        self.encoding_note = note("只有 CSV/TXT 文本文件需要选择编码；读出的文字是乱码时，请改选编码后重新读取。")
        form = QFormLayout()
        file_label = QLabel("文件(&W)：")
        file_label.setBuddy(self.path_edit)
        kind_label = QLabel("数据类型(&K)：")
        kind_label.setBuddy(self.kind_combo)
        encoding_label = QLabel("文字编码(&E)：")
        encoding_label.setBuddy(self.encoding_combo)
        form.addRow(file_label, path_row)
        form.addRow(kind_label, self.kind_combo)
        form.addRow(encoding_label, self.encoding_combo)
        form.addRow("", self.encoding_note)
        self.body.addLayout(form)
        self.body.addWidget(note(
            "导入前会逐行核对，任何一行不符合要求都不会写入数据；导入在一次操作中完成，要么全部导入，要么都不导入。"
            "程序只记录文件名和文件的 SHA-256 校验值，不保存文件本身。导入的每一批都可以在“导入数据”列表中撤销"
            "（其中的记录被使用之前）。"))
        self.body.addStretch(1)
        self._path_changed("")

    def browse(self) -> None:
        typed = Path(self.path_edit.text()).parent if self.path_edit.text() else None
        chosen = ask_open(self, "选择要导入的文件", FILE_FILTER, IMPORTS, fallback=typed)
        if chosen is not None:
            self.path_edit.setText(str(chosen))

    def set_file(self, path: Path, kind: ImportKind, encoding: str | None = None) -> None:
        """What a user picks here, in one call (tests, the screenshots)."""
        self.path_edit.setText(str(path))
        select_data(self.kind_combo, kind.value)
        select_data(self.encoding_combo, encoding)

    def _path_changed(self, text: str) -> None:
        is_text = Path(text.strip()).suffix.lower() in TEXT_SUFFIXES
        self.encoding_combo.setEnabled(is_text)
        self.encoding_note.setVisible(is_text)
        self.completeChanged.emit()

    def ready(self) -> bool:
        return bool(self.path_edit.text().strip())

    def check(self) -> bool:
        path = Path(self.path_edit.text().strip().strip('"'))
        if not path.is_file():
            self.show_error(f"找不到文件“{path}”，请重新选择。")
            return False
        self.state.path = path
        self.state.kind = data_as(self.kind_combo, ImportKind)
        self.state.encoding = self.encoding_combo.currentData() if self.encoding_combo.isEnabled() else None
        return True

    def work(self) -> Work:
        path, encoding = self.state.path, self.state.encoding

        def read(progress: ProgressFn) -> Any:
            info = reader.inspect_file(path, encoding)
            sheet = info.sheets[0] if info.sheets else None
            return info, reader.read_sheet(info, sheet, progress)

        return read

    def take(self, result: Any) -> None:
        self.state.info, self.state.grid = result
        self.state.spec = kinds.spec(self.state.kind)
        self.state.table = None
        self.state.dry = None


class SheetPage(StepPage):
    busy_text = "正在识别表头和数据行…"

    def __init__(self, state: ImportState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.setTitle("第 2 步：选择工作表和表头行")
        self.setSubTitle("下表是文件最上面的几行（原样显示，身份证号和电话已遮盖）。蓝色是表头行，灰色的标题行不导入。")
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 1)
        self.header_spin.valueChanged.connect(self.show_preview)
        self.rows_combo = fill_combo(QComboBox(), ((None, "自动识别"), (1, "1 行"), (2, "2 行（上下两行合成标题）")))
        self.rows_combo.currentIndexChanged.connect(self.show_preview)
        self.source_note = note()
        sheet_label = QLabel("工作表(&S)：")
        sheet_label.setBuddy(self.sheet_combo)
        header_label = QLabel("表头在第(&H)")
        header_label.setBuddy(self.header_spin)
        rows_label = QLabel("行；表头行数(&R)：")
        rows_label.setBuddy(self.rows_combo)
        row = QHBoxLayout()
        row.addWidget(sheet_label)
        row.addWidget(self.sheet_combo, 1)
        row.addSpacing(24)
        row.addWidget(header_label)
        row.addWidget(self.header_spin)
        row.addWidget(rows_label)
        row.addWidget(self.rows_combo)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.setWordWrap(False)
        self.preview.cellDoubleClicked.connect(self._row_chosen)
        self.body.addLayout(row)
        self.body.addWidget(self.source_note)
        self.body.addWidget(self.preview, 1)
        self.body.addWidget(note("双击表中的一行即把它设为表头行。表格下方的合计、小计行和填表人、审核、说明等文字不会导入，"
                                 "下一步会列出。"))
        self.header_rows: tuple[int, ...] = ()  # Excel rows shaded as the header

    def initializePage(self) -> None:  # noqa: N802 (Qt)
        info, grid = self.state.info, self.state.grid
        self.clear_error()
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(info.sheets) or [grid.sheet])
        self.sheet_combo.setCurrentText(grid.sheet)
        self.sheet_combo.setEnabled(len(info.sheets) > 1)
        self._grid_read(grid)

    def _source_text(self) -> str:
        info, grid = self.state.info, self.state.grid
        text = f"文件：{info.file_name}（{info.format.upper()}"
        if info.encoding:
            text += f"，编码 {ENCODING_NAMES.get(info.encoding.lower(), info.encoding)}"
        return text + f"），工作表“{grid.sheet}”共 {len(grid.rows):,} 行。"

    def _sheet_chosen(self, _index: int = 0) -> None:
        sheet = self.sheet_combo.currentText()
        if self.state.grid is not None and sheet == self.state.grid.sheet:
            return
        info = self.state.info
        self.run_here(f"正在读取工作表“{sheet}”…", lambda progress: reader.read_sheet(info, sheet, progress),
                      self._grid_read)

    def choose_sheet(self, sheet: str) -> None:
        self.sheet_combo.setCurrentText(sheet)
        self._sheet_chosen()

    def _grid_read(self, grid) -> None:
        self.state.grid = grid
        self.state.table = None
        if self.sheet_combo.currentText() != grid.sheet:
            self.sheet_combo.setCurrentText(grid.sheet)
        self.source_note.setText(self._source_text())
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(1, max(1, len(grid.rows)))
        self.header_spin.setValue(self._suggested_row(grid))
        self.header_spin.blockSignals(False)
        self.show_preview()

    def _suggested_row(self, grid) -> int:
        if not grid.rows:
            return 1
        try:
            return tables.suggest_header_row(grid, self.state.spec.fields)
        except UserError:
            return 1

    def set_header(self, row: int, rows: int | None = None) -> None:
        select_data(self.rows_combo, rows)
        self.header_spin.setValue(row)

    def _header_rows_choice(self) -> int | None:
        return self.rows_combo.currentData()

    def _shaded_rows(self, header_row: int) -> tuple[int, ...]:
        """The header rows as the table would take them: built on the top of the sheet only (quick)."""
        grid = self.state.grid
        limit = min(len(grid.rows), header_row + SHADING_ROWS)
        merged = tuple((r0, c0, min(r1, limit - 1), c1) for r0, c0, r1, c1 in grid.merged if r0 < limit)
        top = type(grid)(sheet=grid.sheet, rows=grid.rows[:limit], merged=merged)
        try:
            return tuple(tables.build_table(top, header_row, self._header_rows_choice()).header_rows)
        except UserError as exc:
            self.show_error(exc.message)
            return (header_row,)

    def show_preview(self, *_args) -> None:
        grid = self.state.grid
        if grid is None:
            return
        self.clear_error()
        header_row = self.header_spin.value()
        self.header_rows = self._shaded_rows(header_row) if grid.rows else ()
        rows = tables.preview(grid, max(PREVIEW_ROWS, max(self.header_rows, default=header_row) + PREVIEW_ROWS))
        width = max((len(r) for r in rows), default=0)
        self.preview.blockSignals(True)
        self.preview.clear()
        self.preview.setRowCount(len(rows))
        self.preview.setColumnCount(width)
        self.preview.setHorizontalHeaderLabels([column_letter(c) for c in range(width)])
        self.preview.setVerticalHeaderLabels([str(r + 1) for r in range(len(rows))])
        bold = QFont()
        bold.setBold(True)
        for r, values in enumerate(rows):
            excel_row = r + 1
            for c, text in enumerate(values):
                item = QTableWidgetItem(redact_text(text))
                item.setToolTip(item.text())
                if excel_row in self.header_rows:
                    item.setBackground(HEADER_BRUSH)
                    item.setFont(bold)
                elif excel_row < min(self.header_rows, default=header_row):
                    item.setForeground(QBrush(QColor(GREY)))
                self.preview.setItem(r, c, item)
        self.preview.resizeColumnsToContents()
        for c in range(width):
            self.preview.setColumnWidth(c, min(self.preview.columnWidth(c) + 8, 220))
        if rows:
            self.preview.scrollToItem(self.preview.item(max(0, header_row - 2), 0) or self.preview.item(0, 0),
                                      QAbstractItemView.ScrollHint.PositionAtTop)
        self.preview.blockSignals(False)

    def _row_chosen(self, row: int, _column: int = 0) -> None:
        if not self.busy:
            self.header_spin.setValue(row + 1)

    def ready(self) -> bool:
        return self.state.grid is not None and bool(self.state.grid.rows)

    def work(self) -> Work:
        grid, header_row, header_rows = self.state.grid, self.header_spin.value(), self._header_rows_choice()
        spec, ctx = self.state.spec, self.state.ctx
        from ...services.importing import mapping as mappings

        def build(progress: ProgressFn) -> Any:
            table = tables.build_table(grid, header_row, header_rows)
            progress(0, 0)  # 取消 between the steps
            with ctx.session() as s:
                suggested = mappings.suggest_mapping(s, spec, table)
                choices = spec.choices(s)
            return table, suggested, choices

        return build

    def take(self, result: Any) -> None:
        self.state.table, self.state.mapping, self.state.choices = result
        self.state.dry = None
