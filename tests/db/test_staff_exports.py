"""Ledgers as xlsx (opened again with openpyxl), the roster PDF, the pay sheet; masking; audit."""

from __future__ import annotations

from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.data.models.staff import StaffMember
from shuanbai_desktop.demo import generate_demo
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.staff import ledgers, pay
from tests.conftest import build_template
from tests.db.test_staff_common import TODAY


@pytest.fixture(scope="module")
def station_template(station_template, tmp_path_factory):
    """The demo team, generated once for this module: every test starts from a copy."""
    return build_template(tmp_path_factory, station_template, lambda db: generate_demo(db, residents=0, today=TODAY))


@pytest.fixture
def demo(station_db):
    with station_db.session() as s:
        numbers = list(s.scalars(select(StaffMember.id_number)))
    return station_db, numbers


def _cells(path) -> list[list]:
    ws = load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_roster_ledger_is_masked_by_default_and_full_on_request(demo, tmp_path):
    db, numbers = demo
    with db.session() as s:
        masked = ledgers.export_roster(s, tmp_path / "名册.xlsx", today=TODAY)
        full = ledgers.export_roster(s, tmp_path / "名册-完整.xlsx", full_ids=True, today=TODAY)
        events = list(s.scalars(select(AuditEntry.summary).where(AuditEntry.table_name == "export")))
    rows = _cells(masked)
    assert rows[0][0] == "桥东街道社会工作服务站工作人员名册" and rows[1][:5] == ["序号", "姓名", "性别", "年龄", "身份证号"]
    staff_rows = [r for r in rows[2:] if isinstance(r[0], int)]
    assert len(staff_rows) == 16 and all("********" in r[4] for r in staff_rows)
    assert not any(n in str(rows) for n in numbers)
    assert sum(n in str(_cells(full)) for n in numbers) == 16  # the 16 on the staff, not the former worker
    assert events == ["导出人员名册（在岗人员 16 人，已脱敏）", "导出人员名册（在岗人员 16 人，含完整身份证号）"]


def test_roster_pdf_lists_everyone_masked(demo, tmp_path):
    db, numbers = demo
    with db.session() as s:
        path = ledgers.roster_pdf(s, tmp_path / "名册.pdf", None, today=TODAY)
    doc = pdfium.PdfDocument(str(path))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    assert "工作人员名册" in text and "共 17 人" in text
    assert not any(n in text for n in numbers) and text.count("441302********") == 17


def test_other_ledgers_open_with_their_headers(demo, tmp_path):
    db, _ = demo
    with db.session() as s:
        files = {"contracts": ledgers.export_contracts(s, tmp_path / "c.xlsx", TODAY),
                 "training": ledgers.export_training(s, tmp_path / "t.xlsx", 2026),
                 "assessments": ledgers.export_assessments(s, tmp_path / "a.xlsx", 2026),
                 "supervision": ledgers.export_supervision(s, tmp_path / "s.xlsx", 2026, TODAY)}
    contracts = _cells(files["contracts"])
    assert contracts[1][:3] == ["序号", "姓名", "岗位角色"] and len([r for r in contracts if isinstance(r[0], int)]) == 16
    assert any(r[11] == "不符合" for r in contracts[2:18])
    book = load_workbook(files["training"])
    assert book.sheetnames == ["培训学时统计", "培训记录"] and book["培训学时统计"]["B2"].value == "姓名"
    book = load_workbook(files["assessments"])
    assert book.sheetnames == ["年度考核", "第三方评估"] and book["第三方评估"].max_row >= 6
    sup = _cells(files["supervision"])
    assert sup[1][1] == "督导日期" and any("没有督导记录的月份" in str(r[0]) for r in sup)


def test_pay_sheet_has_totals_and_factor_sheet(demo, tmp_path):
    db, _ = demo
    with db.session() as s:
        sheet = pay.pay_sheet(s, 2026, 11)
        path = ledgers.export_pay(s, tmp_path / "工资表.xlsx", 2026, 11)
    book = load_workbook(path)
    ws = book["工资表"]
    headers = [c.value for c in ws[2]]
    total_row = next(r for r in ws.iter_rows(min_row=3) if r[1].value == "合计")
    net_col = headers.index("实发金额")
    assert headers[:4] == ["序号", "姓名", "岗位角色", "薪酬等级"] and "养老保险（单位）" in headers
    assert Decimal(str(total_row[net_col].value)) == sheet.total("net")
    assert book["绩效因素得分"]["C2"].value == "学历（5%）"


def _actor(db, username: str):
    with db.session() as s:
        user = next(u for u in auth.list_users(s) if u.username == username)
    return user.actor


def test_full_numbers_and_pay_only_for_the_administrator(demo, tmp_path):
    """A counter user exports the masked roster; full numbers and the pay sheet are refused, nothing written."""
    db, numbers = demo
    window = _actor(db, "window1")
    with db.session(window) as s:
        masked = ledgers.export_roster(s, tmp_path / "名册.xlsx", today=TODAY)
    assert not any(n in str(_cells(masked)) for n in numbers)
    with db.session() as s:
        head = s.scalar(select(func.max(AuditEntry.id)))
    for attempt in (lambda s: ledgers.export_roster(s, tmp_path / "完整.xlsx", full_ids=True, today=TODAY),
                    lambda s: ledgers.export_pay(s, tmp_path / "工资.xlsx", TODAY.year, TODAY.month),
                    lambda s: pay.pay_sheet(s, TODAY.year, TODAY.month)):
        with pytest.raises(UserError, match="“窗口”角色不能"), db.session(window) as s:
            attempt(s)
    assert not (tmp_path / "完整.xlsx").exists() and not (tmp_path / "工资.xlsx").exists()
    with db.session() as s:
        assert s.scalar(select(func.max(AuditEntry.id))) == head
