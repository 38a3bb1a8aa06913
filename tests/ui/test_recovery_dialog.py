"""数据恢复码's windows: the code shown once (继续 only when kept), 使用恢复码, and 设置 → 安全设置 → 数据加密."""

from __future__ import annotations

import dataclasses
import os
import sys
import types
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog

from shuanbai_desktop import services
from shuanbai_desktop.data import keyring
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.encryption import EncryptionStatus
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.ui import output, printing
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.recovery_dialog import ForgottenPasswordDialog, RecoveryCodeDialog
from shuanbai_desktop.ui.settings.security_page import SecurityPage
from tests.ui.helpers import app_context, click, grab, type_text

STATION = "桥东街道社会工作服务站"
MADE = datetime(2025, 3, 5, 14, 30)


@pytest.fixture
def code() -> str:
    return keyring.new_recovery_code()


@pytest.fixture
def dialog(qtbot, code):
    widget = RecoveryCodeDialog(STATION, code, MADE)  # not qtbot.addWidget: closing it unticked asks first
    widget.resize(760, 560)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.done(QDialog.DialogCode.Rejected)
    widget.deleteLater()


def _tick(qtbot, box) -> None:
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on its tick box


def _pdf_text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[0].get_textpage().get_text_range()
    finally:
        doc.close()


def _bare(text: str) -> str:
    return "".join(text.split()).replace("-", "")


# --- RecoveryCodeDialog -----------------------------------------------------------------------------------
def test_code_is_shown_in_two_rows_and_continue_waits_for_the_tick(qtbot, dialog, code):
    groups = code.split("-")
    assert dialog.code_label.text() == "-".join(groups[:4]) + "\n" + "-".join(groups[4:])
    assert dialog.code_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert not dialog.continue_button.isEnabled()
    grab(dialog, "recovery-code-dialog")
    _tick(qtbot, dialog.kept)
    assert dialog.kept.isChecked() and dialog.continue_button.isEnabled()
    assert dialog.continue_button.isDefault()
    click(qtbot, dialog.continue_button)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_keyboard_only_tab_to_the_tick_space_then_enter(qtbot, dialog):
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert QApplication.focusWidget() is dialog.print_button  # 打印 first: the first thing to do
    for _ in range(10):
        if QApplication.focusWidget() is dialog.kept:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.kept
    qtbot.keyClick(dialog.kept, Qt.Key.Key_Return)  # 继续 is still disabled: nothing happens
    assert dialog.isVisible()
    qtbot.keyClick(dialog.kept, Qt.Key.Key_Space)
    assert dialog.kept.isChecked()
    qtbot.keyClick(dialog.kept, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_escape_without_the_tick_asks_first(qtbot, dialog, monkeypatch):
    answers: list[str] = []

    def confirm(parent, text, title="请确认"):
        answers.append(text)
        return False
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", confirm)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers and "数据将无法恢复" in answers[0]
    assert dialog.isVisible()
    dialog.close()  # the window's close button asks the same
    assert len(answers) == 2 and dialog.isVisible()
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_escape_after_the_tick_closes_without_asking(qtbot, dialog, monkeypatch):
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: pytest.fail("asked"))
    _tick(qtbot, dialog.kept)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_save_as_pdf_writes_the_code_owner_only_where_chosen(qtbot, dialog, code, tmp_path, monkeypatch):
    target = tmp_path / "保险柜 #1" / "恢复码.pdf"
    target.parent.mkdir()
    asked: list[tuple] = []
    told: list[Path] = []
    monkeypatch.setattr(output, "ask_save", lambda *args: asked.append(args) or target)
    monkeypatch.setattr(output, "show_saved", lambda parent, path: told.append(path))
    click(qtbot, dialog.save_button)
    assert asked[0][3] == "pdf" and asked[0][4] == output.SLIPS
    assert code not in asked[0][2] and asked[0][2].endswith(".pdf")  # the file name never holds the code
    assert told == [target] and dialog.saved_to == target
    text = _pdf_text(target)
    assert _bare(code) in _bare(text) and STATION in text
    if sys.platform != "win32":
        assert target.stat().st_mode & 0o777 == 0o600


def test_print_sends_the_pdf_and_leaves_no_copy(qtbot, dialog, code, monkeypatch):
    seen: list[tuple[Path, str, int]] = []

    def print_pdf(parent, pdf, title):
        seen.append((pdf, _pdf_text(pdf), pdf.stat().st_mode & 0o777))
        return True
    monkeypatch.setattr(printing, "print_pdf", print_pdf)
    click(qtbot, dialog.print_button)
    pdf, text, mode = seen[0]
    assert _bare(code) in _bare(text) and STATION in text
    assert os.name != "posix" or mode == 0o600
    assert not pdf.exists() and not pdf.parent.exists()
    assert dialog.printed


# --- ForgottenPasswordDialog ------------------------------------------------------------------------------
def test_forgotten_password_shows_the_refusal_at_its_field_then_accepts(qtbot, code):
    calls: list[tuple[str, str, str, str]] = []

    def submit(code_text: str, username: str, new: str, again: str) -> None:
        calls.append((code_text, username, new, again))
        if len(calls) == 1:
            raise UserError("没有名为“zhang”的管理员账户。", field="管理员用户名")

    dialog = ForgottenPasswordDialog(submit)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "使用恢复码"
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.code)  # opens in its first field
    qtbot.keyClicks(dialog.code, code.lower())
    type_text(dialog.username, "zhang")
    qtbot.keyClicks(dialog.new, "Xin2025mima")
    qtbot.keyClicks(dialog.again, "Xin2025mima")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)  # Enter presses 设置新密码
    assert calls == [(code.lower(), "zhang", "Xin2025mima", "Xin2025mima")]
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "zhang" in dialog.errors.text
    assert dialog.username.styleSheet()  # outlined
    grab(dialog, "recovery-forgotten-password")
    dialog.username.setText("qiaodong")
    click(qtbot, dialog.ok_button)
    assert calls[-1][1] == "qiaodong"
    assert dialog.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize("field, widget", [("恢复码", "code"), ("新密码", "new"), ("再次输入新密码", "again"),
                                           ("密码", "new")])
def test_each_field_named_by_a_refusal_is_outlined(qtbot, field, widget):
    def submit(*_: str) -> None:
        raise UserError("不对。", field=field)
    dialog = ForgottenPasswordDialog(submit)
    qtbot.addWidget(dialog)
    dialog.save()
    assert getattr(dialog, widget).styleSheet() and dialog.result() != QDialog.DialogCode.Accepted


# --- 设置 → 安全设置 → 数据加密 ----------------------------------------------------------------------------
@pytest.fixture
def encryption(monkeypatch, code):
    """services.encryption as the lead's module offers it: ``status(db)`` and ``renew_recovery_code(db, actor)``."""
    fake = types.SimpleNamespace(calls=[], state=EncryptionStatus(True, datetime(2025, 1, 2, 9, 0), 2))

    def status(db):
        return fake.state

    def renew_recovery_code(db, actor):
        fake.calls.append((db, actor))
        fake.state = dataclasses.replace(fake.state, recovery_made_at=MADE)
        return code, MADE
    fake.status = status
    fake.renew_recovery_code = renew_recovery_code
    monkeypatch.setattr(services, "encryption", fake, raising=False)
    return fake


def _page(qtbot, ctx) -> SecurityPage:
    page = SecurityPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 680)  # a settings tab's size on 1366×768
    page.show()
    return page


def test_security_page_shows_the_encryption_status(qtbot, ctx, encryption):
    page = _page(qtbot, ctx)
    assert "已加密" in page.encryption_label.text()
    assert "2025-01-02 09:00" in page.encryption_label.text() and "2 个账户" in page.encryption_label.text()
    assert page.renew_button.isVisible() and page.renew_button.isEnabled()
    grab(page, "settings-security-encryption")
    encryption.state = EncryptionStatus(False, None, 0)
    page.refresh()
    assert "尚未加密" in page.encryption_label.text() and not page.renew_button.isEnabled()


def test_renewing_asks_then_shows_the_new_code(qtbot, ctx, encryption, code, monkeypatch):
    page = _page(qtbot, ctx)
    questions: list[str] = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm",
                        lambda parent, text, title="": questions.append(text) or False)
    click(qtbot, page.renew_button)
    assert questions[0].startswith("生成后，旧的恢复码立即失效")
    assert encryption.calls == [] and page.recovery_dialog is None  # 取消: nothing made
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    click(qtbot, page.renew_button)
    assert encryption.calls == [(ctx.db, ctx.user.actor)]
    shown = page.recovery_dialog
    assert isinstance(shown, RecoveryCodeDialog) and shown.isVisible()
    assert shown.code_label.text().replace("\n", "-") == code
    assert "2025-03-05 14:30" in page.encryption_label.text()
    _tick(qtbot, shown.kept)
    click(qtbot, shown.continue_button)
    assert page.recovery_dialog is None


def test_renewing_refused_by_the_service_is_shown_and_opens_nothing(qtbot, ctx, encryption, monkeypatch):
    def refuse(db, actor):
        raise UserError("只有管理员可以生成新的恢复码。")
    encryption.renew_recovery_code = refuse
    shown: list[str] = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda parent, text, title="": shown.append(text))
    page = _page(qtbot, ctx)
    click(qtbot, page.renew_button)
    assert shown == ["只有管理员可以生成新的恢复码。"] and page.recovery_dialog is None


class NoUserManagement(AppContext):
    """Today only the administrator sees 安全设置 and may manage users; a role with the one and not the other
    would see the status without the button."""

    def can(self, permission: Permission) -> bool:
        return permission is not Permission.USERS_MANAGE and super().can(permission)


def test_renew_button_only_for_those_who_manage_users(qtbot, ctx, encryption):
    page = _page(qtbot, NoUserManagement(db=ctx.db, user=ctx.user, station=ctx.station))
    assert "已加密" in page.encryption_label.text()
    assert not page.renew_button.isVisible()


def test_renewing_on_an_encrypted_station_makes_the_old_code_stop_working(qtbot, tmp_path, monkeypatch):
    """Through the lead's services.encryption on a station set up encrypted: the code shown unlocks the key
    file, the one made at set-up no longer does."""
    from shuanbai_desktop.services import auth
    from shuanbai_desktop.services import encryption as real
    password = "Qiao2024dong"
    db, first = real.create_station(tmp_path / "station.db", "441302001", STATION, "桥东路1号", "0752-2808727",
                                    "qiaodong", "陈副站长", password, MADE)
    try:
        page = _page(qtbot, app_context(db, auth.log_in(db, "qiaodong", password)))
        assert "已加密" in page.encryption_label.text() and "2025-03-05 14:30" in page.encryption_label.text()
        monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
        click(qtbot, page.renew_button)
        shown = page.recovery_dialog
        assert shown is not None
        new = shown.code_label.text().replace("\n", "-")
        ring = keyring.KeyRing.load(keyring.keyring_path(db.path))
        assert ring.unlock_recovery(new) is not None and ring.unlock_recovery(first) is None
        _tick(qtbot, shown.kept)
        click(qtbot, shown.continue_button)
    finally:
        db.close()
