"""Files in and out (ui/output.py): each purpose's dialog starts in the folder last used for it, and a saved
file is named in the status bar with 打开所在文件夹."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from shuanbai_desktop.ui import output
from tests.ui.helpers import click


def _dialog_starts(monkeypatch, answer: str) -> list[str]:
    """Stand in for the save dialog: note where it opened, answer ``answer``."""
    opened: list[str] = []

    def ask(_parent, _title, start, _filter):
        opened.append(start)
        return answer, ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    return opened


def test_each_purpose_starts_where_it_was_last_used(monkeypatch, tmp_path):
    slips, reports = tmp_path / "告知单", tmp_path / "报表 2026"
    slips.mkdir()
    reports.mkdir()
    opened = _dialog_starts(monkeypatch, str(slips / "转办单-20261228-001"))
    first = output.ask_save(None, "保存 PDF", "转办单-20261228-001.pdf", "pdf", output.SLIPS)
    assert first == slips / "转办单-20261228-001.pdf"  # the suffix added
    assert Path(opened[0]).parent != slips  # nothing remembered yet: the documents folder or home

    opened = _dialog_starts(monkeypatch, str(reports / "年度数据.xlsx"))
    output.ask_save(None, "导出年度数据", "年度数据.xlsx", "xlsx", output.REPORTS)
    output.ask_save(None, "保存 PDF", "告知单-20261229-002.pdf", "pdf", output.SLIPS)
    output.ask_save(None, "导出年度数据", "2027年度数据.xlsx", "xlsx", output.REPORTS)
    assert opened[1:] == [str(slips / "告知单-20261229-002.pdf"), str(reports / "2027年度数据.xlsx")]
    assert output.start_folder(output.LEDGERS) not in (slips, reports)  # a purpose not used yet


def test_a_remembered_folder_that_is_gone_is_not_offered(tmp_path):
    usb = tmp_path / "U盘"
    usb.mkdir()
    output.remember_folder(output.BACKUPS, usb)
    assert output.start_folder(output.BACKUPS) == usb
    usb.rmdir()
    assert output.start_folder(output.BACKUPS, fallback=tmp_path) == tmp_path


def test_open_and_folder_dialogs_remember_too(monkeypatch, tmp_path):
    source = tmp_path / "导入" / "居民.xlsx"
    source.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(source), ""))
    assert output.ask_open(None, "选择要导入的文件", "Excel (*.xlsx)", output.IMPORTS) == source
    assert output.start_folder(output.IMPORTS) == source.parent
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(tmp_path))
    assert output.ask_folder(None, "选择保存位置", output.ATTACHMENTS) == tmp_path
    assert output.start_folder(output.ATTACHMENTS) == tmp_path


def test_the_status_bar_names_the_file_and_opens_its_folder(qtbot, monkeypatch, tmp_path):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = QMainWindow()
    qtbot.addWidget(window)
    page = QWidget()
    window.setCentralWidget(page)
    window.statusBar()  # as the program's window has one
    window.show()
    saved = tmp_path / "资产台账_2026-12-06.xlsx"
    note = output.show_saved(page, saved)
    assert isinstance(note, output.SavedNote) and note.isVisible()
    assert note.label.text().startswith("已保存到：") and note.label.toolTip() == str(saved)
    click(qtbot, note.open_button)
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]
    second = output.show_saved(page, tmp_path / "第二个.pdf")  # the next file replaces the note
    qtbot.waitUntil(lambda: len(window.statusBar().findChildren(output.SavedNote)) == 1)
    assert window.statusBar().findChildren(output.SavedNote) == [second]


def test_outside_the_main_window_a_box_says_it_without_blocking(qtbot, monkeypatch, tmp_path):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    page = QWidget()
    qtbot.addWidget(page)
    box = output.show_saved(page, tmp_path / "a.pdf")
    assert isinstance(box, QMessageBox) and box.isVisible()
    opener = next(b for b in box.buttons() if b.text() == "打开所在文件夹")
    opener.click()
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]
