"""The coverage panel: villages covered by service points, the ones left, large points."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QProgressBar, QVBoxLayout

from ...domain.coverage import POINT_VILLAGE_GUIDE, Coverage
from ..widgets import OK_STYLE, WARN_STYLE, note


class CoveragePanel(QGroupBox):
    def __init__(self, parent=None):
        super().__init__("村(居)覆盖情况", parent)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold;")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(14)
        self.uncovered_title = QLabel()
        self.uncovered_list = QListWidget()
        self.all_covered = note("本站所有村(居)都已有社工点覆盖。", OK_STYLE)
        self.over_note = note(style=WARN_STYLE)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.progress, self.uncovered_title, self.uncovered_list,
                       self.all_covered, self.over_note):
            layout.addWidget(widget)
        layout.setStretchFactor(self.uncovered_list, 1)
        layout.addStretch(0)

    def show_coverage(self, cov: Coverage) -> None:
        self.summary.setText(f"已覆盖 {cov.covered_villages} / {cov.total_villages} 个村(居)（{cov.percent_text}）")
        self.progress.setRange(0, max(cov.total_villages, 1))
        self.progress.setValue(cov.covered_villages)
        self.uncovered_list.clear()
        self.uncovered_list.addItems(list(cov.uncovered))
        self.uncovered_title.setText(f"尚未被社工点覆盖的村(居)（{len(cov.uncovered)} 个）：")
        for widget in (self.uncovered_title, self.uncovered_list):
            widget.setVisible(bool(cov.uncovered))
        self.all_covered.setVisible(not cov.uncovered and cov.total_villages > 0)
        self.over_note.setText(_over_text(cov))
        self.over_note.setVisible(bool(cov.points_over_guide))
        self.layout().setStretch(self.layout().count() - 1, 0 if cov.uncovered else 1)


def _over_text(cov: Coverage) -> str:
    if not cov.points_over_guide:
        return ""
    lines = [f"提示：以下社工点覆盖超过 {POINT_VILLAGE_GUIDE} 个村(居)。按“双百工程”要求，原则上每个社工点"
             f"覆盖 {POINT_VILLAGE_GUIDE} 个左右相邻村(居)，偏远村(居)可另行组合，这里仅作提示："]
    lines += [f"· {p.point_name}（{len(p.village_names)} 个）：{'、'.join(p.village_names)}"
              for p in cov.points_over_guide]
    return "\n".join(lines)
