"""台账: every register through the one writer; masked numbers unless an administrator chooses."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry, Person
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.report import ledgers

from .test_report_figures import build_known

MAY = (date(2024, 5, 1), date(2024, 5, 31))
# The residents' ledger dates a person by when the record was entered (the clock): this range holds
# every record a test makes, whatever the real date.
ALL_TIME = (date(2020, 1, 1), date(2099, 12, 31))
EXPECTED_ROWS = {"visits": 3, "cases": 3, "window": 4, "staff": 3, "contracts": 1, "training": 1, "assets": 1,
                 "archives": 1}


@pytest.fixture
def known(station_db):
    build_known(station_db)
    with station_db.session() as s:
        s.scalars(select(Person).where(Person.name == "一号")).one().id_number = "441302199001014413"
        s.scalars(select(Person).where(Person.name == "二号")).one().name = "=HYPERLINK(\"x\")"
    return station_db


def _sheet(path):
    return load_workbook(path).active


def test_every_ledger_exports_the_records_of_its_range(known, tmp_path):
    assert {g.key for g in ledgers.available()} == {"residents", "households", *EXPECTED_ROWS}
    for key, expected in EXPECTED_ROWS.items():
        with known.session() as s:
            result = ledgers.export_ledger(s, key, *MAY, tmp_path / f"{key}.xlsx")
        ws = _sheet(result.path)
        assert result.rows == expected == ws.max_row - 3, key
        ledger = ledgers.find(key)
        assert [c.value for c in ws[3]] == [c.header for c in ledger.columns]
        assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3" and ws.print_area
        assert ws.column_dimensions["A"].width == ledger.columns[0].width


def test_id_numbers_are_masked_unless_the_administrator_asks(known, tmp_path):
    with known.session() as s:
        masked = ledgers.export_ledger(s, "居民", *ALL_TIME, tmp_path / "a.xlsx")
    values = [c.value for row in _sheet(masked.path).iter_rows(min_row=4) for c in row]
    assert "441302********4413" in values and "441302199001014413" not in values
    with known.session() as s:
        worker = auth.create_user(s, "sg9", "黄社工", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    with known.session(worker.actor) as s:
        masked_by_worker = ledgers.export_ledger(s, "residents", *ALL_TIME, tmp_path / "w.xlsx")
    assert masked_by_worker.rows == masked.rows
    with known.session(worker.actor) as s, pytest.raises(UserError, match="“社工”角色不能导出含完整身份证号"):
        ledgers.export_ledger(s, "residents", *ALL_TIME, tmp_path / "b.xlsx", full_numbers=True)
    assert not (tmp_path / "b.xlsx").exists()
    with known.session() as s:  # the administrator
        full = ledgers.export_ledger(s, "residents", *ALL_TIME, tmp_path / "c.xlsx", full_numbers=True)
    values = [c.value for row in _sheet(full.path).iter_rows(min_row=4) for c in row]
    assert "441302199001014413" in values
    with known.session() as s:
        events = s.scalars(select(AuditEntry.summary).where(AuditEntry.table_name == "export")).all()
    assert any("居民台账" in e and "已脱敏" in e for e in events)
    assert any("居民台账" in e and "含完整身份证号" in e for e in events)


def test_text_that_looks_like_a_formula_stays_text(known, tmp_path):
    with known.session() as s:
        result = ledgers.export_ledger(s, "residents", *ALL_TIME, tmp_path / "a.xlsx")
    cells = [c for row in _sheet(result.path).iter_rows(min_row=4) for c in row if c.value == '=HYPERLINK("x")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_unknown_ledger_and_reversed_range_are_refused(known, tmp_path):
    with known.session() as s:
        with pytest.raises(UserError, match="没有名为“菜谱”的台账"):
            ledgers.export_ledger(s, "菜谱", *MAY, tmp_path / "a.xlsx")
        with pytest.raises(UserError, match="起始日期不能晚于截止日期"):
            ledgers.export_ledger(s, "visits", MAY[1], MAY[0], tmp_path / "a.xlsx")
    assert not (tmp_path / "a.xlsx").exists()
