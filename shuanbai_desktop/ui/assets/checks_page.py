"""配置检查: the signage and equipment the seed requires, place by place."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QVBoxLayout

from ...services.assets.checks import ItemCheck, required_checks
from ..context import AppContext
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import AMBER, ERROR_STYLE, OK_STYLE, RED, note


@dataclass(frozen=True)
class CheckLine:
    place: str
    check: ItemCheck


COLUMNS = (Column("地点", lambda r: r.place), Column("规定配置", lambda r: r.check.item.label),
           Column("情况", lambda r: r.check.text))
RULES = ("依据惠民发〔2021〕29号：社工站应悬挂社工站、社会工作与志愿服务协会、社会组织联合会牌匾，"
         "社工点应有统一标牌，站和点都应配齐电脑、打印机等办公设备。\n"
         "“有”按登记时选了“规定配置”、存放在该地点、状态为在用或闲置的资产计算；维修中的不算配齐。")


def _color(line: CheckLine) -> str | None:
    if line.check.ok:
        return None
    return AMBER if line.check.in_repair else RED


class ChecksPage(RecordListPage):
    max_column_width = 320

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_color)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(note(RULES))
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as s:
            checks = required_checks(s)
        self.show_rows([CheckLine(c.place, item) for c in checks for item in c.items])
        short = [c for c in checks if c.missing]
        if len(checks) > 1:
            where = f"站本部和 {len(checks) - 1} 个社工点"
        else:
            where = "站本部，尚未设立社工点"
        if short:
            missing = "；".join(f"{c.place}缺{'、'.join(i.label for i in c.missing)}" for c in short)
            state = f"{len(short)} 个尚未配齐：{missing}"
        else:
            state = "全部配齐。"
        self.summary.setText(f"共 {len(checks)} 个地点（{where}），{state}")
        self.summary.setStyleSheet(ERROR_STYLE if short else OK_STYLE)

    def row_key(self, row: CheckLine) -> tuple[str, str]:
        return (row.place, row.check.item.label)
