"""The recovery code on a station server (issue 19) through the screens: 设置 → 安全设置 → 生成新的恢复码… (the
old code stops working) and the log-in window's 忘记密码（使用恢复码）…, on this worker's test cluster
(tests/pgcluster.py). The file's side of both screens is tests/ui/test_recovery_dialog.py's."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.exports import recovery_pdf
from shuanbai_desktop.services import encryption, server_recovery
from shuanbai_desktop.ui import recovery_dialog
from shuanbai_desktop.ui.login_dialog import LoginDialog
from shuanbai_desktop.ui.recovery_dialog import ForgottenPasswordDialog
from shuanbai_desktop.ui.settings.security_page import SecurityPage
from tests.conftest import ADMIN_PASSWORD
from tests.ui.helpers import click, grab, type_text

BACKENDS = ("postgresql",)
STATION = "桥东街道社会工作服务站"
NEW_PASSWORD = "Qiaodong-2026-new"


def _tick(qtbot, box) -> None:
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on its tick box


def _check(db, code: str) -> None:
    with db.session() as s:
        server_recovery.check(s, code)


def test_renewing_on_a_server_shows_a_code_that_works_and_the_old_one_stops(qtbot, ctx, monkeypatch):
    first, _ = encryption.renew_recovery_code(ctx.db, ctx.user.actor, datetime(2026, 1, 5, 10, 0))
    page = SecurityPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 680)  # a settings tab's size on 1366×768
    page.show()
    assert "数据库服务器" in page.encryption_label.text() and "2026-01-05 10:00" in page.encryption_label.text()
    assert page.renew_button.isVisible() and page.renew_button.isEnabled()
    grab(page, "settings-security-server")
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    click(qtbot, page.renew_button)
    shown = page.recovery_dialog
    assert shown is not None and shown.isVisible()
    new = shown.code_label.text().replace("\n", "-")
    _check(ctx.db, new)
    texts = " ".join(label.text() for label in shown.findChildren(QLabel))
    assert recovery_dialog.SERVER_INTRO in texts and recovery_pdf.SERVER_LOST in texts  # a server's words
    assert recovery_pdf.LOST_FOR_GOOD not in texts  # the data are not lost with the code on a server
    grab(shown, "recovery-code-server")
    with pytest.raises(UserError, match="已被新的恢复码取代"):
        _check(ctx.db, first)
    assert "2026-01-05" not in page.encryption_label.text()  # the new code's time
    _tick(qtbot, shown.kept)
    click(qtbot, shown.continue_button)
    assert page.recovery_dialog is None


def test_forgotten_password_on_a_server_resets_the_administrator(qtbot, station_db, monkeypatch):
    code, _ = encryption.renew_recovery_code(station_db, station_db.acting_for, datetime(2026, 1, 5, 10, 0))
    station_db.acting_for = None  # the log-in window: nobody is logged in
    login = LoginDialog(station_db, STATION)
    qtbot.addWidget(login)
    login.show()
    qtbot.waitExposed(login)
    assert login.forgot_button is not None and login.forgot_button.isVisible()  # offered on a server too
    grab(login, "login-server-forgot")
    typed: list[str] = []

    def fill_and_save(dialog: ForgottenPasswordDialog) -> int:
        """The window as the administrator fills it: a wrong code first (refused at its field), then the code."""
        type_text(dialog.username, "admin")
        type_text(dialog.new, NEW_PASSWORD)
        type_text(dialog.again, NEW_PASSWORD)
        dialog.code.setText("ABCDE-FGH1J-KMNPQ-RSTVW-XYZ01-23456-789AB-CDEFG")
        dialog.save()
        typed.append(dialog.errors.text)
        dialog.code.setText(code)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ForgottenPasswordDialog, "exec", fill_and_save)
    click(qtbot, login.forgot_button)
    assert typed == ["恢复码不正确，或已被新的恢复码取代。"]
    assert login.username.text() == "admin"
    type_text(login.password, ADMIN_PASSWORD)  # the old password no longer opens
    login.try_login()
    assert login.user is None and login.result() != QDialog.DialogCode.Accepted
    type_text(login.password, NEW_PASSWORD)
    login.try_login()
    assert login.user is not None and login.user.username == "admin"


def test_the_printed_page_of_a_server_code_says_what_it_does(tmp_path):
    import pypdfium2 as pdfium
    pdf = tmp_path / "恢复码.pdf"
    code = "80SQ2-48TCT-XP0R4-ZTN4B-JESVC-CXZ94-E0855-JNCCV"
    recovery_pdf.write_recovery_pdf(pdf, STATION, code, datetime(2026, 1, 5, 10, 0), on_server=True)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = "".join(doc[0].get_textpage().get_text_range().split())
    finally:
        doc.close()
    assert "站内服务器" in text and "".join(recovery_pdf.SERVER_LOST.split()) in text
    assert recovery_pdf.LOST_FOR_GOOD not in text
