"""The monthly pay sheet (工资表) as xlsx: one line per worker, totals, 四险一金 in employer and
personal parts, and a second sheet with the performance factor scores and their weights."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ..domain.staff_labels import Factor, Insurance
from .staff_xlsx import note_row
from .xlsx import BORDER, FONT_NAME, save_atomic, set_value, write_table

MONEY = "#,##0.00"


def _headers() -> tuple[str, ...]:
    parts = []
    for kind in Insurance:
        parts.append(f"{kind.label}（单位）")
        if kind is not Insurance.INJURY:
            parts.append(f"{kind.label}（个人）")
    return ("序号", "姓名", "岗位角色", "薪酬等级", "基本工资", "绩效工资标准", "绩效系数", "绩效工资", "津贴补贴",
            "应发合计", "缴费基数", *parts, "个人缴纳合计", "实发金额", "单位缴纳合计", "备注")


def _insurance(line) -> list[Decimal]:
    out = []
    for kind in Insurance:
        emp, per = line.contributions.get(kind, (Decimal(0), Decimal(0)))
        out.append(emp)
        if kind is not Insurance.INJURY:
            out.append(per)
    return out


def _values(n: int, line) -> tuple:
    return (n, line.name, line.role.label, line.level_name, line.base_pay, line.performance_standard,
            float(line.ratio), line.performance_pay, line.other_pay, line.gross, line.contribution_base,
            *_insurance(line), line.personal_total, line.net, line.employer_total, line.notes)


def _totals(ws, row: int, rows: list[tuple], width: int) -> None:
    """A 合计 line: every money column summed (not the ratio, not the notes)."""
    set_value(ws.cell(row, 2), "合计").font = Font(name=FONT_NAME, bold=True)
    for col in range(1, width + 1):
        ws.cell(row, col).border = BORDER
    for i in (i for i in range(4, width - 1) if i != 6):
        cell = set_value(ws.cell(row, i + 1), sum((Decimal(str(r[i])) for r in rows), Decimal(0)))
        cell.font, cell.number_format = Font(name=FONT_NAME, bold=True), MONEY


def write_pay_sheet(sheet, target: Path, station_name: str) -> Path:
    """``sheet`` is services.staff.pay.PaySheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "工资表"
    headers = _headers()
    rows = [_values(n, line) for n, line in enumerate(sheet.lines, 1)]
    widths = (5, 9, 14, 8, *[10] * (len(headers) - 5), 16)
    last = write_table(ws, headers, rows, widths, title=f"{station_name}{sheet.year}年{sheet.month}月工作人员工资表")
    for row in ws.iter_rows(min_row=3, max_row=last, min_col=5, max_col=len(headers) - 1):
        for cell in row:
            cell.number_format = "0.000" if cell.column == 7 else MONEY
    _totals(ws, last + 1, rows, len(headers))
    ws.print_area = f"A1:{ws.cell(last + 1, len(headers)).column_letter}{last + 1}"
    note_row(ws, last + 3, "实发金额 = 应发合计 − 个人缴纳的四险一金（个人所得税由镇(街道)代扣代缴）。"
             "绩效工资 = 绩效工资标准 × 绩效系数。", len(headers))
    note_row(ws, last + 5, "制表：　　　　　　　　审核：　　　　　　　　单位负责人：　　　　　　　　（盖章）", len(headers))
    _factor_sheet(wb, sheet, station_name)
    return save_atomic(wb, target)


def _factor_sheet(wb: Workbook, sheet, station_name: str) -> None:
    ws = wb.create_sheet("绩效因素得分")
    factors = list(Factor)
    headers = ("序号", "姓名", *[f"{f.label}（{sheet.weights.get(f, 0)}%）" for f in factors], "绩效系数")
    rows = [(n, line.name, *[line.scores.get(f, 0) for f in factors], float(line.ratio))
            for n, line in enumerate(sheet.lines, 1)]
    last = write_table(ws, headers, rows, (5, 9, *[11] * len(factors), 9),
                       title=f"{station_name}{sheet.year}年{sheet.month}月绩效因素得分")
    note_row(ws, last + 2, "各因素得分 0–100，括号内为县(区)确定的权重；绩效系数 = Σ(权重 × 得分) ÷ 10000。",
             len(headers))
