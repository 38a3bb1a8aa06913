"""人员 → 人员名册 as the deputy head and as a social worker uses it: add, refuse, leave, export, print."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from shuanbai_desktop.data.models.staff import StaffMember
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.staff_labels import StaffRole, StaffStatus
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.staff import roster
from shuanbai_desktop.ui.staff.view import StaffView
from tests.db.test_staff_common import id_number
from tests.ui.helpers import app_context, grab, type_text
from tests.ui.test_staff_common import on_demo_day, show, with_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("on_demo_day")


def _count(ctx) -> int:
    with ctx.session() as s:
        return s.scalar(select(func.count(StaffMember.id)))


def test_empty_roster_explains_and_a_worker_is_added_through_the_form(qtbot, ctx):
    view = show(qtbot, StaffView(ctx))
    page = view.pages["staff.roster"]
    assert view.tab_titles() == ["人员名册", "劳动合同", "薪酬", "培训", "考核评估", "督导"]
    assert page.empty_note.isVisible() and "新增人员" in page.empty_note.text()
    assert "✘" in page.checks_label.text()
    grab(view, "staff_roster_empty")
    dialog = page.add_staff()
    type_text(dialog.name_edit, "陈晓红")
    type_text(dialog.id_edit, id_number(7))
    dialog.id_edit.editingFinished.emit()
    assert "出生日期：1990-05-17" in dialog.derived_label.text()
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(StaffRole.AFFAIRS_WORKER))
    type_text(dialog.phone_edit, "13800138000")
    grab(dialog, "staff_dialog_new")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.error_label.text()
    assert page.model.rowCount() == 1
    row = page.model.row(0)
    assert (row.name, row.role, row.phone_masked) == ("陈晓红", StaffRole.AFFAIRS_WORKER, "138****8000")
    assert page.model.data(page.model.index(0, 3)) == row.id_masked != id_number(7)
    assert page.notice.text() == "已新增人员。"


def test_a_bad_id_number_is_shown_at_its_field_and_nothing_is_saved(qtbot, ctx):
    view = show(qtbot, StaffView(ctx))
    dialog = view.pages["staff.roster"].add_staff()
    type_text(dialog.name_edit, "王五")
    type_text(dialog.id_edit, "441302199005170000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.errors.text == "身份证号校验位错误，请核对最后一位"
    assert dialog.id_edit.styleSheet()
    grab(dialog, "staff_dialog_bad_id")
    dialog.id_edit.setText(id_number(8))
    dialog.career_edit.setText("去年")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "从事社工起始日期不是有效日期" in dialog.errors.text
    assert _count(ctx) == 0


def test_the_demo_team_is_listed_masked_and_a_leaver_hands_over(qtbot, ctx, monkeypatch):
    said = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda *a, **k: said.append(a[1]))
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda *a, **k: said.append(a[1]))
    with_demo(ctx.db)
    view = show(qtbot, StaffView(ctx))
    page = view.pages["staff.roster"]
    assert page.model.rowCount() == 16
    assert all("********" in page.model.data(page.model.index(r, 3)) for r in range(16))
    assert page.checks_label.text().count("✔") == 5  # one worker, one village (R1.4) among them
    grab(view, "staff_roster")
    liaison = next(i for i, r in enumerate(page.model.rows) if r.is_liaison)
    page.table.selectRow(liaison)
    name = page.selected().name
    dialog = page.leave()
    assert dialog.items and {i.kind for i in dialog.items} >= {"社工点联络人", "负责的村(居)"}
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "离职原因不能为空" in dialog.errors.text
    type_text(dialog.reason_edit, "个人辞职")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "未指定接收人" in dialog.errors.text
    dialog.all_combo.setCurrentIndex(1)
    dialog.apply_all()
    grab(dialog, "staff_leave_dialog")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.errors.text
    assert page.model.rowCount() == 15 and "已办理离职" in page.notice.text()
    page.status_combo.setCurrentIndex(1)
    left = next(i for i, r in enumerate(page.model.rows) if r.name == name)
    page.table.selectRow(left)
    assert page.leave_button.text() == "重新入职…"
    assert not page.rejoin(page.selected(), date.today())  # not after the leaving date: refused
    assert said[-1].startswith("重新入职日期应晚于离职日期")
    grab(view, "staff_roster_left")
    assert page.export_roster(Path(ctx.db.path.parent / "名册.xlsx"), full=False).exists()


def test_printing_the_roster_sends_the_pdf_to_the_print_dialog(qtbot, ctx, monkeypatch):
    with_demo(ctx.db)
    view = show(qtbot, StaffView(ctx))
    printed = []
    monkeypatch.setattr("shuanbai_desktop.ui.printing.print_pdf", lambda parent, pdf, title: printed.append(
        (pdf, title)) or True)
    pdf = view.pages["staff.roster"].print_roster()
    assert printed == [(pdf, "人员名册")] and pdf.stat().st_size > 10_000


def test_a_social_worker_sees_the_roster_training_and_supervision_only(qtbot, ctx, station_db, tmp_path,
                                                                       monkeypatch):
    with_demo(ctx.db)
    with ctx.session() as s:
        auth.create_user(s, "sgx", "社工小王", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    user = auth.log_in(station_db, "sgx", "Shegong2024")
    view = show(qtbot, StaffView(app_context(station_db, user)))
    assert view.tab_titles() == ["人员名册", "培训", "督导"]
    page = view.pages["staff.roster"]
    assert not page.add_button.isVisible() and not page.leave_button.isVisible()
    assert page.export_button.isVisible()
    assert not view.pages["staff.training"].add_button.isVisible()
    assert not view.pages["staff.supervision"].add_button.isVisible()
    grab(view, "staff_roster_readonly")
    with ctx.session() as s:
        assert len(roster.list_staff(s, StaffStatus.ACTIVE)) == 16
        numbers = list(s.scalars(select(StaffMember.id_number)))
    monkeypatch.setattr("shuanbai_desktop.ui.staff.roster_page.ask_full_numbers",
                        lambda parent: pytest.fail("full numbers offered to a social worker"))
    monkeypatch.setattr("shuanbai_desktop.ui.staff.export.messages.info", lambda *a: None)
    path = page.export_roster(tmp_path / "名册.xlsx")  # masked without asking (no STAFF_EXPORT_FULL)
    text = str([[c.value for c in row] for row in load_workbook(path).active.iter_rows()])
    assert "********" in text and not any(n in text for n in numbers)
