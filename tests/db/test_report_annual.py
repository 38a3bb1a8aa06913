"""Annual figures: flows added up over the months, stocks at the year's end, rates recomputed."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.report import annual

from .test_report_figures import build_known


def test_the_year_adds_flows_keeps_stocks_and_recomputes_rates(station_db):
    build_known(station_db)
    with station_db.session() as s:
        year = annual.annual(s, 2024, today=date(2025, 1, 10))
    may = year.by_month[4]
    assert year.months == tuple(range(1, 13)) and may["visits.households"] == 3
    assert year.total["visits.households"] == 4 == sum(m["visits.households"] for m in year.by_month)
    assert year.total["cases.opened"] == 4
    assert year.total["staff.headcount"] == year.by_month[-1]["staff.headcount"] == 2
    assert year.total["targets.total"] == 5  # 四号 joined the groups in June
    assert year.total["window.closed"] == 3 and year.total["window.on_time_rate"] == 66.7
    assert year.total["staff.training_hours"] == 16
    assert "report.month" not in year.total


def test_current_year_runs_to_the_current_month(station_db):
    with station_db.session() as s:
        year = annual.annual(s, 2024, today=date(2024, 3, 15))
    assert year.months == (1, 2, 3) and year.until == date(2024, 3, 15)
    with station_db.session() as s, pytest.raises(UserError, match="年度"):
        annual.annual(s, 2025, today=date(2024, 3, 15))


def test_annual_workbook_has_a_column_per_month_and_the_year(station_db, tmp_path):
    build_known(station_db)
    with station_db.session() as s:
        figures = annual.annual(s, 2024, today=date(2025, 1, 10))
        path = annual.export_annual(s, 2024, tmp_path / "年度", figures=figures)
    assert path.name == "年度.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames[-2:] == ["年度考核与评估", "说明"]
    ws = wb["服务开展"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["序号", "项目", "1月"] and header[13:16] == ["12月", "全年", "单位"]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == "入户走访户次")
    assert row[2:15] == (0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 4)
    staff = {r[1]: r[2] for r in wb["年度考核与评估"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert staff["应考核人数"] == 3 and staff["其中：尚未考核"] == 3
