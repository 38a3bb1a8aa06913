"""The attachments dialog on an encrypted station (issue 17): 打开 hands the system viewer a decrypted copy in
the program's private temporary folder (never the ``.enc`` stored file); 另存一份 writes the plain content;
a damaged stored file is a message, not the crash dialog."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from shuanbai_desktop.services import attachments
from shuanbai_desktop.ui import attachments_dialog
from shuanbai_desktop.ui.attachments_dialog import AttachmentsDialog
from tests import shots
from tests.ui.helpers import grab

SCAN = b"%PDF-1.4\n" + "李四 残疾证 441302195003010012".encode() * 50


@pytest.fixture
def dialog(qtbot, ctx, tmp_path, monkeypatch):
    folder = tmp_path / "temp"
    folder.mkdir()
    attachments.remove_viewing_copies()
    monkeypatch.setenv(shots.ENV, str(shots.folder()))  # screenshots stay where the run puts them
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    source = tmp_path / "李四残疾证.pdf"
    source.write_bytes(SCAN)
    view = AttachmentsDialog(ctx, "person", 1, "居民附件")
    qtbot.addWidget(view)
    view.add_file(source, "残疾证")
    view.table.selectRow(0)
    yield view
    attachments.remove_viewing_copies()


def test_open_hands_the_viewer_a_decrypted_private_copy(dialog, ctx, tmp_path, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(attachments_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    row = dialog.model.row(0)
    assert row.path.name.endswith(".enc") and row.path.exists()
    dialog.open_selected()
    (url,) = opened
    copy = Path(url.toLocalFile())
    assert tmp_path / "temp" in copy.parents
    assert copy.name == "李四残疾证.pdf" and copy.read_bytes() == SCAN
    assert copy.parent.parent.name.startswith("shuanbai-open-")
    assert attachments.store_dir(ctx.db.path) not in copy.parents
    grab(dialog, "attachments-encrypted")
    attachments.remove_viewing_copies()  # what happens when the program closes
    assert not copy.exists()


def test_save_copy_writes_the_plain_content(dialog, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    saved = []
    monkeypatch.setattr(attachments_dialog, "ask_folder", lambda *a, **k: out)
    monkeypatch.setattr(attachments_dialog, "show_saved", lambda parent, path: saved.append(path))
    dialog.save_copy()
    assert saved == [out / "李四残疾证.pdf"] and saved[0].read_bytes() == SCAN


def test_a_damaged_stored_file_is_said_in_chinese(dialog, monkeypatch):
    row = dialog.model.row(0)
    row.path.write_bytes(row.path.read_bytes()[:-1] + b"\x00")
    said, opened = [], []
    monkeypatch.setattr(attachments_dialog.messages, "error", lambda parent, text, *a: said.append(text))
    monkeypatch.setattr(attachments_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog.open_selected()
    assert opened == [] and len(said) == 1 and "附件文件已损坏或不是本站的密钥加密的" in said[0]
