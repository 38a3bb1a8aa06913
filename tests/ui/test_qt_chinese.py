"""Qt's own dialogs speak Chinese: the translations the program loads at start (issue 14: “Look in”,
“Files of type” in the file dialogs)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
)

from shuanbai_desktop.app import make_app
from shuanbai_desktop.ui import fonts


@pytest.fixture
def chinese(qapp):
    """As at start (``app.make_app``), taken away again afterwards: other tests keep Qt's own texts."""
    before = QApplication.instance()
    installed = fonts.install_translations(qapp)
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)
    assert QApplication.instance() is before


def test_the_translations_are_found(chinese):
    assert len(chinese) >= 2  # Qt's file, and the few texts it lacks


def test_message_box_and_button_box_buttons_are_chinese(qtbot, chinese):
    box = QMessageBox(QMessageBox.Icon.Question, "请确认", "确定吗？",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Ok).text() == "确定"
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    assert {b.text() for b in buttons.buttons()} == {"保存", "关闭"}


def _english(widget) -> list[str]:
    texts = [label.text() for label in widget.findChildren(QLabel)]
    texts += [button.text() for button in widget.findChildren(QAbstractButton)]
    return [t for t in texts if re.search(r"[A-Za-z]{3,}", t.replace("PDF", ""))]


def test_file_dialog_labels_are_chinese(qtbot, chinese, tmp_path):
    dialog = QFileDialog(None, "保存", str(tmp_path), "PDF 文件 (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own dialog, as on Linux
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts  # qtbase_zh_CN lacks these two (Qt 6 texts)
    assert _english(dialog) == []


def test_print_dialog_is_chinese(qtbot, chinese):
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    assert _english(dialog) == []


def test_the_program_loads_them_at_start(qapp, monkeypatch):
    loaded = []
    monkeypatch.setattr(fonts, "install_translations", lambda app: loaded.append(app) or [])
    monkeypatch.setattr("shuanbai_desktop.app.install_translations", fonts.install_translations)
    assert make_app() is qapp and loaded == [qapp]
