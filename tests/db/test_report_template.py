"""County template mode: placeholders filled from the same figures; an unknown one stops the export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from shuanbai_desktop.data.models.report import LockedMonth, ReportTemplate
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.report import package, template
from shuanbai_desktop.services.report.collect import collect

from .test_report_figures import build_known


def _form(path: Path, extra: dict[str, str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "县里的表"
    ws["A1"] = "{{station.name}}月报"
    ws["A2"], ws["B2"] = "入户走访户次", "{{ visits.households }}"
    ws["A3"], ws["B3"] = "链接资源（元）", "{{resources.value_yuan}}"
    ws["A4"], ws["B4"] = "按时办结率", "{{window.on_time_rate}}"
    ws["A5"] = "本月走访 {{visits.households}} 户次、{{visits.persons}} 人次"
    ws["A6"] = "=SUM(B2:B3)"  # the county's own formula stays theirs
    for cell, text in (extra or {}).items():
        ws[cell] = text
    wb.save(path)
    return path


@pytest.fixture
def may(station_db):
    build_known(station_db)
    with station_db.session() as s:
        return collect(s, 2024, 5)


def test_loaded_template_is_filled_at_export(station_db, may, tmp_path):
    with station_db.session() as s:
        info = template.load(s, _form(tmp_path / "县表.xlsx"), may)
    assert info.placeholders == 6 and info.file_name == "县表.xlsx"
    out = tmp_path / "U盘"
    out.mkdir()
    with station_db.session() as s:
        result = package.export_month(s, 2024, 5, out)
    assert result.template_filled == 6
    filled = result.package / "441302001_2024-05_月度报表_县级表.xlsx"
    ws = load_workbook(filled)["县里的表"]
    assert ws["A1"].value == "桥东街道社会工作服务站月报"
    assert ws["B2"].value == 3 and ws["B2"].data_type == "n"
    assert float(ws["B3"].value) == 500.0 and ws["B4"].value == 66.7
    assert ws["A5"].value == "本月走访 3 户次、3 人次"
    assert ws["A6"].value == "=SUM(B2:B3)"
    manifest = json.loads((result.package / "manifest.json").read_text(encoding="utf-8"))
    assert "county_form" in {f["role"] for f in manifest["files"]}


def test_unknown_placeholders_are_listed_by_cell_and_nothing_is_loaded(station_db, may, tmp_path):
    form = _form(tmp_path / "县表.xlsx", {"C7": "{{visits.household}}", "D9": "合计 {{foo.bar}}"})
    with pytest.raises(UserError) as caught, station_db.session() as s:
        template.load(s, form, may)
    assert "县里的表!C7 {{visits.household}}" in caught.value.message
    assert "县里的表!D9 {{foo.bar}}" in caught.value.message and "共 2 处" in caught.value.message
    with station_db.session() as s:
        assert s.scalar(select(ReportTemplate)) is None


def test_an_unknown_placeholder_stops_the_export(station_db, may, tmp_path):
    out = tmp_path / "U盘"
    out.mkdir()
    form = _form(tmp_path / "县表.xlsx", {"B12": "{{staff.pets}}"})
    with pytest.raises(UserError, match=r"县里的表!B12 \{\{staff.pets\}\}"), station_db.session() as s:
        package.export_month(s, 2024, 5, out, template_file=form)
    with station_db.session() as s:
        assert s.scalar(select(LockedMonth)) is None
    assert list(out.iterdir()) == []


def test_loading_a_new_template_keeps_the_old_one_inactive(station_db, may, tmp_path):
    with station_db.session() as s:
        template.load(s, _form(tmp_path / "旧.xlsx"), may)
        template.load(s, _form(tmp_path / "新.xlsx"), may)
    with station_db.session() as s:
        rows = s.scalars(select(ReportTemplate).order_by(ReportTemplate.id)).all()
        assert [(r.file_name, r.active) for r in rows] == [("旧.xlsx", False), ("新.xlsx", True)]
        template.deactivate(s)
        assert template.active_info(s) is None


def test_files_that_are_not_forms_are_refused(station_db, may, tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    empty = Workbook()
    empty.save(tmp_path / "空.xlsx")
    with station_db.session() as s:
        with pytest.raises(UserError, match="不是 xlsx"):
            template.load(s, bad, may)
        with pytest.raises(UserError, match="没有找到任何占位符"):
            template.load(s, tmp_path / "空.xlsx", may)
        with pytest.raises(UserError, match=".xlsx"):
            template.load(s, tmp_path / "表.xls", may)


def test_placeholder_list_names_every_figure(may, tmp_path):
    path = template.export_placeholders(may, tmp_path / "清单.xlsx")
    ws = load_workbook(path)["占位符"]
    keys = {row[0] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert {"{{visits.households}}", "{{window.on_time_rate}}", "{{station.name}}"} <= keys
    assert len(keys) == len(list(may.rows()))


def test_every_placeholder_and_row_is_documented(may):
    docs = Path(__file__).resolve().parents[2] / "docs"
    placeholders = (docs / "report-placeholders.md").read_text(encoding="utf-8")
    layout = (docs / "report-format.md").read_text(encoding="utf-8")
    fixed = [r.key for s in may.sheets for g in s.groups if not g.family for r in g.rows]
    assert [k for k in fixed if f"`{{{{{k}}}}}`" not in placeholders] == []
    assert [k for k in fixed if f"`{k}`" not in layout] == []
    for pattern in ("targets.village.<", "window.matter.<", "window.department.<"):
        assert pattern in placeholders and pattern in layout
