"""档案 → 档案目录: catalogue the year's personnel files, link a resident, refuse a duplicate 档号, export."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog

from shuanbai_desktop.domain.archive_rules import ArchiveCategory, OwnerKind, Retention
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.archives import catalogue
from shuanbai_desktop.ui.archives import ArchivesView
from tests import shots
from tests.clock import clock_on
from tests.ui.helpers import click, grab, type_text

TODAY = date(2026, 11, 18)  # the clock is set to this day for every test here (the screens read it)


@pytest.fixture(autouse=True)
def _clock():
    with clock_on(TODAY):
        yield
SHOTS = shots.folder()  # pictures for a person to look at, outside the checkout
STAFF = ("陈晓红", "黄志明", "林丽娟")


@pytest.fixture
def view(qtbot, ctx):
    widget = ArchivesView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1112, 690)
    widget.show()
    return widget


@pytest.fixture
def page(view):
    yield view.pages["archives.catalogue"]  # the view lives as long as the test (qtbot holds it weakly)


def new_personnel_file(qtbot, page, name):
    click(qtbot, page.add_button)
    dialog = page.dialog
    type_text(dialog.title_edit, f"{name}人事档案（劳动合同、学历及资格证书复印件）")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData(ArchiveCategory.PERSONNEL))
    dialog.retention_combo.setCurrentIndex(dialog.retention_combo.findData(Retention.Y30))
    dialog.pages_spin.setValue(24)
    dialog.cabinet_combo.setCurrentText("1")
    dialog.box_combo.setCurrentText("1")
    dialog.owner_field.kind_combo.setCurrentIndex(dialog.owner_field.kind_combo.findData(OwnerKind.STAFF))
    dialog.owner_field.staff_combo.setCurrentText(name)
    return dialog


def test_catalogue_the_years_personnel_files(qtbot, page, ctx):
    for n, name in enumerate(STAFF, 1):
        dialog = new_personnel_file(qtbot, page, name)
        assert dialog.number_label.text() == f"RS-{TODAY.year}-D30-{n:04d}"
        if n == 1:
            grab(dialog, "archives_file_dialog")
        click(qtbot, dialog.save_button)
        assert not dialog.isVisible(), dialog.errors.text
    assert [r.number for r in page.model.rows] == [f"RS-{TODAY.year}-D30-{n:04d}" for n in (1, 2, 3)]
    assert page.model.row(0).owner.label == "陈晓红" and page.summary.text() == "共 3 件，72 页"
    assert page.selected().number == f"RS-{TODAY.year}-D30-0003"
    grab(page.window(), "archives_catalogue")


def test_duplicate_number_is_refused_at_the_item_field(qtbot, page, ctx):
    click(qtbot, new_personnel_file(qtbot, page, "陈晓红").save_button)
    dialog = new_personnel_file(qtbot, page, "黄志明")
    dialog.item_spin.setValue(1)
    assert dialog.number_label.text() == f"RS-{TODAY.year}-D30-0001"
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.errors.text == f"档号 RS-{TODAY.year}-D30-0001 已用于“陈晓红人事档案（劳动合同、学历及资格证书复印件）”，请换一个件号。"
    assert dialog.errors._marked is dialog.item_spin
    grab(dialog, "archives_file_dialog_duplicate")
    with ctx.session() as s:
        assert len(catalogue.list_files(s)) == 1


def test_link_a_file_to_a_resident(qtbot, page, ctx):
    with ctx.session() as s:
        persons.save_person(s, persons.PersonInput("张秀英", no_id_reason="未办证"))
    click(qtbot, page.add_button)
    dialog = page.dialog
    type_text(dialog.title_edit, "张秀英个案服务档案")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData(ArchiveCategory.SERVICE))
    dialog.owner_field.kind_combo.setCurrentIndex(dialog.owner_field.kind_combo.findData(OwnerKind.PERSON))
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "请点击“选择居民…”选定档案所属的居民。"
    picker = dialog.owner_field.pick_person()
    qtbot.keyClicks(picker.search_edit, "zxy")
    assert [p.name for p in picker.model.rows] == ["张秀英"]
    grab(picker, "archives_person_picker")
    click(qtbot, picker.ok_button)
    assert dialog.owner_field.person_label.text() == "张秀英"
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    row = page.model.row(0)
    assert (row.number, row.owner.kind, row.owner.label) == (f"YW-{TODAY.year}-D10-0001", OwnerKind.PERSON, "张秀英")
    page.select(row.id)
    click(qtbot, page.edit_button)  # editing keeps the link and the number
    edit = page.dialog
    assert edit.owner_field.person_label.text() == "张秀英" and edit.number_label.text() == row.number
    edit.pages_spin.setValue(31)
    click(qtbot, edit.save_button)
    assert not edit.isVisible(), edit.errors.text
    assert (page.model.row(0).pages, page.model.row(0).owner.label) == (31, "张秀英")
    click(qtbot, new_personnel_file(qtbot, page, "陈晓红").save_button)
    page.category_filter.setCurrentIndex(page.category_filter.findText("业务"))
    assert [r.title for r in page.model.rows] == ["张秀英个案服务档案"]
    page.category_filter.setCurrentIndex(0)
    page.retention_filter.setCurrentIndex(page.retention_filter.findText("30年"))
    assert [r.owner.label for r in page.model.rows] == ["陈晓红"]


def test_export_catalogue_and_print_cabinet_list(qtbot, page, ctx, monkeypatch, tmp_path):
    for name in STAFF:
        click(qtbot, new_personnel_file(qtbot, page, name).save_button)
    xlsx, pdf = tmp_path / "目录.xlsx", tmp_path / "清单.pdf"
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda *a, **k: None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    click(qtbot, page.export_button)
    sheet = load_workbook(xlsx)["档案目录"]
    assert [c.value for c in sheet[2]][:5] == ["序号", "档号", "文号", "责任者", "题名"]
    assert sheet["B3"].value == f"RS-{TODAY.year}-D30-0001" and sheet["L3"].value == "工作人员：陈晓红"
    assert sheet.max_row == 5
    printed = []
    monkeypatch.setattr("shuanbai_desktop.ui.printing.print_pdf",
                        lambda parent, path, title: printed.append((Path(path).read_bytes()[:4], title)) or True)
    click(qtbot, page.print_button)
    assert printed == [(b"%PDF", f"档案存放清单_{TODAY:%Y%m%d}")]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    click(qtbot, page.pdf_button)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "1号档案柜" in text and "1号盒（3 件，72 页）" in text and "黄志明人事档案" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SHOTS / "archives_cabinet_list")], check=True)
