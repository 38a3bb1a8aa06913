"""Steps 4–6 of the import wizard: the dry run's counts and problems (the problem rows can be saved as a workbook
to correct), what to do with records already in the database (with the list of what differs), 导入, and what
was imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from ...services.importing import batch
from ...services.importing import mapping as mappings
from ...services.importing.base import Cancelled, Existing, ImportKind, Problem, ProgressFn
from ..output import IMPORTS, ask_save
from ..table_model import Column
from ..widgets import ERROR_STYLE, OK_STYLE, WARN_STYLE, TooltipRowsModel, fit_columns, make_table, note
from .step_page import ImportState, StepPage, Work

PROBLEM_COLUMNS = (
    Column("行号", lambda p: p.row or "—", align_right=True),
    Column("列", lambda p: p.column),
    Column("列标题", lambda p: p.title),
    Column("值", lambda p: p.value),
    Column("原因", lambda p: p.reason),
)
DUPLICATE_COLUMNS = (
    Column("行号", lambda c: c.row, align_right=True),
    Column("疑似与之重复的人", lambda c: c.duplicate_of),
)
CHANGE_COLUMNS = (
    Column("行号", lambda c: c.row, align_right=True),
    Column("与已有记录不同的项", lambda c: "、".join(c.changes) if c.changes else "（与已有记录相同）"),
)


def problem_rows(problems: tuple[Problem, ...]) -> int:
    """How many rows of the file have a problem (a problem of the mapping as a whole counts as none)."""
    return len({p.row for p in problems if p.row})


class DryRunPage(StepPage):
    busy_text = "正在保存问题行…"

    def __init__(self, state: ImportState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.setTitle("第 4 步：核对结果")
        self.setSubTitle("每一行都按录入表单的规则核对过，并与已登记的记录比对；这一步没有写入任何数据。")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.verdict = note()
        self.problems_model = TooltipRowsModel(PROBLEM_COLUMNS)
        self.problems_table = make_table(self.problems_model)
        self.duplicates_model = TooltipRowsModel(DUPLICATE_COLUMNS)
        self.duplicates_table = make_table(self.duplicates_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.problems_table, "问题")
        self.tabs.addTab(self.duplicates_table, "疑似重复")
        self.duplicates_note = note("疑似重复的行仍作为新记录导入（没有身份证号，或身份证号不同）；确是同一人的，请在文件中"
                                    "补上身份证号或删去该行后重新导入。")
        self.save_button = QPushButton("保存问题行(&P)…")
        self.save_button.clicked.connect(self.save_problems)
        self.saved_note = note(style=OK_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_note, 1)
        self.body.addWidget(self.summary)
        self.body.addWidget(self.verdict)
        self.body.addWidget(self.tabs, 1)
        self.body.addWidget(self.duplicates_note)
        self.body.addLayout(buttons)

    def initializePage(self) -> None:  # noqa: N802 (Qt)
        dry = self.state.dry
        self.clear_error()
        self.saved_note.clear()
        self.summary.setText(
            f"共 {dry.rows:,} 行：新的 {dry.new:,} 行，与已有记录相同（同一身份证号或编号）{dry.matched:,} 行"
            f"（其中 {dry.changed:,} 行内容有不同），疑似重复 {dry.duplicates:,} 行。")
        if dry.ok:
            self.verdict.setStyleSheet(OK_STYLE)
            self.verdict.setText("全部符合要求，可以导入。点“下一步”选择如何处理已有记录。")
        else:
            self.verdict.setStyleSheet(ERROR_STYLE)
            self.verdict.setText(
                f"有 {problem_rows(dry.problems):,} 行不符合要求（共 {len(dry.problems):,} 处），不能导入。"
                "请改正文件后从第 1 步重新选择；可以先“保存问题行…”，在保存的表格中逐行改正后导入它。"
                "列对应不对时，点“上一步”修改。")
        self.problems_model.set_rows(dry.problems)
        fit_columns(self.problems_table)
        duplicates = [c for c in dry.checked if c.duplicate_of]
        self.duplicates_model.set_rows(duplicates)
        fit_columns(self.duplicates_table)
        self.tabs.setTabText(0, f"问题（{len(dry.problems):,}）")
        self.tabs.setTabText(1, f"疑似重复（{len(duplicates):,}）")
        self.tabs.setTabEnabled(1, bool(duplicates))
        self.duplicates_note.setVisible(bool(duplicates))
        self.tabs.setCurrentIndex(0 if dry.problems or not duplicates else 1)
        self.save_button.setEnabled(any(p.row for p in dry.problems))

    def ready(self) -> bool:
        return self.state.dry is not None and self.state.dry.ok

    def problems_path(self) -> Path:
        """Where the problem rows go by default: beside the file, named after it."""
        source = self.state.path
        return source.with_name(f"{source.stem}-问题行.xlsx")

    def save_problems(self, path: Path | None = None) -> None:
        """Write the rows with problems (as in the file, with 行号 and 问题 columns) where the user chooses."""
        if path is None:
            path = ask_save(self, "保存问题行", str(self.problems_path()), "xlsx", IMPORTS)
            if path is None:
                return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        table, dry = self.state.table, self.state.dry

        def write(_progress: ProgressFn) -> Path:
            batch.write_problems(path, table, dry)
            return path

        self.saved_note.clear()
        self.run_here("正在保存问题行…", write, self._saved)

    def _saved(self, path: Path) -> None:
        self.saved_note.setText(f"已保存到 {path}。表中有个人信息，改正并导入后请删除或妥善保管。")


class ExistingPage(StepPage):
    busy_text = "正在导入…"
    cancelled_text = Cancelled().message  # 已取消导入，未写入任何数据。

    def __init__(self, state: ImportState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.setTitle("第 5 步：已有记录和导入")
        self.setSubTitle("文件中与已登记记录相同（同一身份证号、资产编号或档号等）的行怎样处理。导入在一次操作中完成。")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "导入(&I)")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.radios: dict[Existing, QRadioButton] = {}
        radios = QVBoxLayout()
        for number, choice in enumerate(Existing, start=1):
            radio = QRadioButton(f"&{number} {choice.label}")
            self.group.addButton(radio)
            self.radios[choice] = radio
            radios.addWidget(radio)
        self.radios[Existing.SKIP].setChecked(True)
        self.changes_model = TooltipRowsModel(CHANGE_COLUMNS)
        self.changes_table = make_table(self.changes_model)
        self.changes_note = note()
        self.body.addWidget(self.summary)
        self.body.addLayout(radios)
        self.body.addWidget(self.changes_note)
        self.body.addWidget(self.changes_table, 1)
        self.body.addStretch(0)  # takes the height while the table is hidden
        self.body.addWidget(note("导入后会记录一条操作日志（数据类型、条数、文件名和 SHA-256），导入的每一条记录都标有批次号；"
                                 "在其中的记录被使用之前，可以在“导入数据”列表中撤销这一批。"))

    def initializePage(self) -> None:  # noqa: N802 (Qt)
        dry = self.state.dry
        self.clear_error()
        matched = [c for c in dry.checked if c.existing_id is not None]
        self.changes_model.set_rows(matched)
        fit_columns(self.changes_table)
        for radio in self.radios.values():
            radio.setEnabled(bool(matched))
        self.changes_table.setVisible(bool(matched))
        if matched:
            self.summary.setText(f"将新增 {dry.new:,} 条记录。已有记录 {dry.matched:,} 条，其中 {dry.changed:,} 条与文件中"
                                 "的内容不同（下表列出不同的项）：")
            self.changes_note.setText("“跳过”不改动已有记录；“只补填”只填已有记录中空着的项；“覆盖”用文件中的值替换"
                                      "已有的值（原来的值记在批次中，撤销时恢复）。")
        else:
            self.summary.setText(f"文件中的 {dry.new:,} 行都是新的记录，将全部新增。")
            self.changes_note.setText("")
        self.summary.setStyleSheet(WARN_STYLE if dry.changed else "")

    @property
    def existing(self) -> Existing:
        return next(choice for choice, radio in self.radios.items() if radio.isChecked())

    def choose(self, existing: Existing) -> None:
        self.radios[existing].setChecked(True)

    def work(self) -> Work:
        state = self.state
        ctx, kind, table, mapping, spec, today = (state.ctx, state.kind, state.table, state.mapping, state.spec,
                                                  state.today)
        source = batch.SourceRef(state.info.file_name, state.info.sha256, table.sheet)
        existing = self.existing

        def run(progress: ProgressFn) -> Any:
            with ctx.session() as s:
                row = batch.run_import(s, kind, table, mapping, existing, source, today, progress)
                mappings.remember(s, spec, table, mapping)
            return row

        return run

    def take(self, result: Any) -> None:
        self.state.batch = result


class ResultPage(StepPage):
    def __init__(self, state: ImportState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.setTitle("导入完成")
        self.setSubTitle("数据已写入，导入在一次操作中完成。")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet(OK_STYLE)
        self.body.addWidget(self.result_label)
        self.body.addWidget(note("这一批列在“设置 → 导入数据”中；在其中的记录被使用（走访、个案、窗口事项、借用等）之前，"
                                 "可以在那里撤销整批导入。"))
        self.body.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 (Qt)
        self.result_label.setText(result_text(self.state.batch))


def result_text(row) -> str:
    return (f"已从“{row.file_name}”（工作表“{row.sheet}”）导入{ImportKind(row.kind).label}：{row.count_text} 条。"
            f"批次号 {row.id}。")
