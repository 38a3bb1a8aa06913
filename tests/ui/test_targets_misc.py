"""The paged person list, the 走访周期 settings page, printing with full ID numbers audited, attachments removed."""

from __future__ import annotations

import random
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert, select

from shuanbai_desktop.data.models import AuditEntry, Person
from shuanbai_desktop.domain.idcard import make_id_number
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import Relation, Risk
from shuanbai_desktop.services import attachments, auth, persons
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import households, intervals
from shuanbai_desktop.services.targets.households import HouseholdInput, MemberInput
from shuanbai_desktop.ui.attachments_dialog import AttachmentsDialog
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.persons.list_page import PersonsPage
from shuanbai_desktop.ui.persons.paged_model import BLOCK, MAX_BLOCKS
from shuanbai_desktop.ui.targets import SETTINGS_PAGES
from shuanbai_desktop.ui.targets.household_file_dialog import HouseholdFileDialog
from tests.ui.helpers import grab, type_text

VILLAGE = "441302001001"


def test_big_list_is_paged_and_never_loaded_whole(qtbot, ctx, station_db):
    rng = random.Random(1)
    rows = [{"name": f"张{i:05d}", "name_pinyin": f"zhang{i:05d}", "name_initials": "z", "sex": "男",
             "id_number": make_id_number("440524", date(1950 + i % 60, 1 + i % 12, 1 + i % 28), i % 1000),
             "phone": "", "village_code": VILLAGE, "address": "", "status": "registered", "no_id_reason": "",
             "notes": ""} for i in range(6000)]
    rows = list({r["id_number"]: r for r in rows}.values())
    rng.shuffle(rows)
    with station_db.session() as s:
        s.execute(insert(Person), rows)
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    page.refresh()
    model = page.model
    assert model.total == len(rows) and model.rowCount() == len(rows)  # every row counted, none loaded ahead
    assert model.index(0, 0).data() == "张00000"
    page.table.setFocus()
    page.table.setCurrentIndex(model.index(0, 0))
    before = model.loads
    QTest.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # one key to the last row
    QApplication.processEvents()
    last = model.rowCount() - 1
    assert page.table.currentIndex().row() == last
    assert model.index(last, 0).data() == max(r["name"] for r in rows)
    assert model.loads - before <= 2  # only the blocks painted at the end were read
    for row in range(0, model.rowCount(), BLOCK):
        model.index(row, 0).data()
    assert model.loads == -(-len(rows) // BLOCK) and len(model._blocks) <= MAX_BLOCKS
    type_text(page.search_edit, "张0599")
    assert model.total == 10 and page.count_label.text() == "共 10 人"
    grab(page, "targets_persons_filtered")


def test_visit_interval_settings_page(qtbot, ctx):
    key, label, factory, permission = SETTINGS_PAGES[0]
    assert (key, label, permission) == ("settings.visit_intervals", "走访周期", Permission.STATION_EDIT)
    page = factory(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.spins[Risk.MEDIUM].value() == 30
    page.spins[Risk.HIGH].setValue(45)
    page.save_button.click()
    assert "高风险不长于中风险" in page.errors.text
    page.spins[Risk.HIGH].setValue(10)
    page.save_button.click()
    assert page.notice.text() == "走访周期已保存。"
    grab(page, "targets_settings_intervals")
    with ctx.session() as s:
        assert intervals.visit_days(s, Risk.HIGH) == 10


@pytest.fixture
def household(ctx):
    with ctx.session() as s:
        a = persons.save_person(s, PersonInput("王五", "440524194501010011", village_code=VILLAGE))
        return households.save_household(s, HouseholdInput((MemberInput(a, Relation.HEAD),)))


def test_print_with_full_numbers_is_audited(qtbot, ctx, household, monkeypatch):
    view = HouseholdFileDialog(ctx, household)
    qtbot.addWidget(view)
    view.show()
    grab(view, "targets_household_file")
    saved = []
    monkeypatch.setattr("shuanbai_desktop.ui.printing.save_pdf_as", lambda p, pdf, name: saved.append((pdf, name)) or pdf)
    view.print_button.click()
    dialog = view.print_dialog
    dialog.full_box.setChecked(True)
    dialog.save_button.click()
    assert not saved and "查看完整身份证号须填写原因" in dialog.errors.text  # no reason: nothing printed
    type_text(dialog.reason_edit, "报送县民政局核对")
    grab(dialog, "targets_print_dialog")
    dialog.save_button.click()
    pdf, name = saved[0]
    assert name == f"一户一档-户{household:05d}.pdf" and pdf.exists()
    with ctx.session() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(2)).all()
    assert last[0].action == "event" and "含完整身份证号" in last[0].summary and last[0].table_name == "household"
    assert last[1].summary == "查看完整身份证号" and "报送县民政局核对" in last[1].changes


def test_print_offers_no_full_numbers_to_the_counter(qtbot, ctx, household, station_db):
    with station_db.session() as s:
        auth.create_user(s, "ck", "陈窗口", Role.WINDOW, "Chuangkou-2024-x", must_change=False)
    window = AppContext(db=station_db, user=auth.log_in(station_db, "ck", "Chuangkou-2024-x"), station=ctx.station)
    view = HouseholdFileDialog(window, household)
    qtbot.addWidget(view)
    view.print_file()
    assert view.print_dialog.full_box.isHidden()
    assert view.print_dialog.build().exists()  # masked printing stays open to every role


def test_attachment_removal_is_audited(qtbot, ctx, household, tmp_path, monkeypatch):
    scan = tmp_path / "户口本.jpg"
    scan.write_bytes(b"\xff\xd8jpeg")
    dialog = AttachmentsDialog(ctx, "household", household, "户档附件")
    qtbot.addWidget(dialog)
    dialog.add_file(scan, "户口本")
    assert dialog.model.rowCount() == 1
    dialog.table.selectRow(0)
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    dialog.remove_selected()
    assert dialog.model.rowCount() == 0
    with ctx.session() as s:
        assert attachments.list_attachments(s, ctx.db.path, "household", household) == []
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last.action == "delete" and last.table_name == "attachment" and "户口本" in last.summary
