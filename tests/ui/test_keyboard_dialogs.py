"""Dialogs that behave with the keyboard (issue 14): focus in the first field, Enter saves from any field
and never presses 取消, Escape asks before throwing typed input away; new accounts start least privileged
and a new account's first password change says so.

Keys through QTest (qtbot); Chinese arrives as the input method commits it (``ime``).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox, QPushButton

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import PersonFilter
from shuanbai_desktop.ui.dialog_keys import DISCARD_QUESTION
from shuanbai_desktop.ui.focus_frame import install_focus_frame
from shuanbai_desktop.ui.form_dialog import FormDialog
from shuanbai_desktop.ui.login_dialog import LoginDialog
from shuanbai_desktop.ui.password_dialog import FIRST_NOTE, RESET_NOTE, ChangePasswordDialog
from shuanbai_desktop.ui.persons.person_dialog import PersonDialog
from shuanbai_desktop.ui.settings.user_dialogs import NewUserDialog
from tests.conftest import ADMIN_PASSWORD
from tests.ui.helpers import focused, grab, ime, key

PASSWORD = "Xinmima2024"


def tab_to(qtbot, widget, limit: int = 30) -> None:
    for _ in range(limit):
        if focused() is widget:
            return
        key(qtbot, Qt.Key.Key_Tab)
    assert focused() is widget


def opened(qtbot, dialog: QDialog) -> QDialog:
    """Shown as the screens show them (window-modal, not blocking) and given the keys."""
    qtbot.addWidget(dialog)
    dialog.open()
    active_again(qtbot, dialog)
    return dialog


def active_again(qtbot, window) -> None:
    """What the desktop does when a window opens or a question over it closes (offscreen leaves it to us)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


class Answers:
    """Answers the next modal question with keys: Escape (keep the form), or the button named ``press``
    focused and Space pressed. Records each question asked."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.asked: list[str] = []

    def next(self, press: str | None = None) -> None:
        def answer():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                return
            self.asked.append(box.text())
            if press is None:
                self.qtbot.keyClick(box, Qt.Key.Key_Escape)
                return
            button = next(b for b in box.findChildren(QPushButton) if b.text() == press)
            button.setFocus()
            self.qtbot.keyClick(button, Qt.Key.Key_Space)
        QTimer.singleShot(0, answer)


@pytest.fixture
def answers(qtbot):
    return Answers(qtbot)


@pytest.fixture(autouse=True)
def _focus_frame(qapp):
    install_focus_frame(qapp)


# --- 新增用户 -------------------------------------------------------------------------------------------
def _fill_new_user(qtbot, dialog: NewUserDialog, repeat: str = PASSWORD) -> None:
    assert focused() is dialog.username_edit                     # the first field, without a click
    qtbot.keyClicks(focused(), "chenli")
    key(qtbot, Qt.Key.Key_Tab)
    ime("陈丽")
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.role_combo
    key(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), PASSWORD)
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.repeat_edit
    qtbot.keyClicks(focused(), repeat)


def _users(db) -> list[str]:
    with db.session() as s:
        return [u.username for u in auth.list_users(s)]


def test_new_user_enter_in_confirm_saves_even_after_tab_passed_cancel(qtbot, ctx, station_db):
    """The fault: Tab passed 取消, which became the default; Enter in 确认密码 then dropped the account."""
    dialog = opened(qtbot, NewUserDialog(ctx))
    _fill_new_user(qtbot, dialog)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消")
    tab_to(qtbot, cancel)                                        # round the dialog once, past 取消 …
    tab_to(qtbot, dialog.repeat_edit)                            # … and back to 确认密码
    assert dialog.save_button.isDefault() and not cancel.isDefault()
    grab(dialog, "keyboard-new-user")
    key(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert "chenli" in _users(station_db)


def test_new_user_enter_with_a_mismatch_stays_and_says_why(qtbot, ctx, station_db):
    dialog = opened(qtbot, NewUserDialog(ctx))
    _fill_new_user(qtbot, dialog, repeat="Xinmima2025")
    key(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible() and "两次输入的密码不一致" in dialog.errors.text
    assert focused() is dialog.repeat_edit and "chenli" not in _users(station_db)


def test_enter_on_a_focused_cancel_does_not_cancel(qtbot, ctx, station_db):
    dialog = opened(qtbot, NewUserDialog(ctx))
    _fill_new_user(qtbot, dialog)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消")
    tab_to(qtbot, cancel)
    assert not cancel.autoDefault()
    key(qtbot, Qt.Key.Key_Return)                                # Enter is 保存's, wherever the focus is
    assert dialog.result() == QDialog.DialogCode.Accepted and "chenli" in _users(station_db)


def test_new_accounts_start_as_the_least_privileged_staff_role(qtbot, ctx):
    dialog = opened(qtbot, NewUserDialog(ctx))
    assert Role(dialog.role_combo.currentData()) is Role.WINDOW and dialog.role_combo.currentText() == "窗口"


# --- 新建居民 -------------------------------------------------------------------------------------------
def test_new_resident_opens_in_the_name_and_enter_saves(qtbot, ctx):
    dialog = opened(qtbot, PersonDialog(ctx))
    assert focused() is dialog.basic.name_edit
    ime("吴秀珍")
    tab_to(qtbot, dialog.basic.reason_edit)
    ime("未带身份证")
    key(qtbot, Qt.Key.Key_Return)                                # the fault: Enter did nothing here
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ctx.session() as s:
        assert [p.name for p in persons.search(s, PersonFilter(text="吴秀珍"))] == ["吴秀珍"]


def test_a_name_typed_in_the_search_is_carried_over_and_the_focus_is_in_the_first_empty_field(qtbot, ctx):
    dialog = opened(qtbot, PersonDialog(ctx, typed="吴秀珍"))
    assert dialog.basic.name_edit.text() == "吴秀珍" and focused() is dialog.basic.id_edit
    dialog = opened(qtbot, PersonDialog(ctx, typed="13800138001"))
    assert dialog.basic.phone_edit.text() == "13800138001" and focused() is dialog.basic.name_edit
    dialog = opened(qtbot, PersonDialog(ctx, typed="wxz"))         # pinyin is not a name
    assert dialog.basic.name_edit.text() == "" and focused() is dialog.basic.name_edit


def test_escape_on_a_filled_form_asks_before_discarding(qtbot, ctx, answers):
    dialog = opened(qtbot, PersonDialog(ctx))
    ime("吴秀珍")
    answers.next()                                               # Escape in the question: keep the form
    key(qtbot, Qt.Key.Key_Escape)
    assert answers.asked == [DISCARD_QUESTION] and dialog.isVisible()
    active_again(qtbot, dialog)
    assert dialog.basic.name_edit.text() == "吴秀珍" and focused() is dialog.basic.name_edit
    answers.next(press="放弃")
    key(qtbot, Qt.Key.Key_Escape)
    assert len(answers.asked) == 2 and dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()
    with ctx.session() as s:
        assert persons.search(s, PersonFilter(text="吴秀珍")) == []


def test_escape_on_an_unchanged_form_closes_without_asking(qtbot, ctx, answers):
    dialog = opened(qtbot, PersonDialog(ctx, typed="吴秀珍"))       # carried over: not typed in the form
    answers.next()
    key(qtbot, Qt.Key.Key_Escape)
    QApplication.processEvents()
    assert answers.asked == [] and not dialog.isVisible()


# --- the shared base, the password change, the log-in --------------------------------------------------
class _OneField(FormDialog):
    def __init__(self, ctx):
        super().__init__(ctx, "测试", "")
        self.add("名称", QLineEdit())
        self.add("说明", QLineEdit())
        self.written: list[str] = []

    def write(self, session, today) -> None:
        self.written.append(self.fields["名称"].text())


def test_every_form_dialog_opens_in_its_first_field_with_a_focus_frame(qtbot, ctx):
    dialog = opened(qtbot, _OneField(ctx))
    first = dialog.fields["名称"]
    assert focused() is first
    assert install_focus_frame(QApplication.instance()).frame.widget() is first
    qtbot.keyClicks(first, "abc")
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Return)                                # from the second field
    assert dialog.written == ["abc"] and dialog.result() == QDialog.DialogCode.Accepted


def _new_account(db) -> auth.UserInfo:
    with db.session() as s:
        auth.create_user(s, "chuangkou", "王窗口", Role.WINDOW, "Temp2024pw", must_change=True)
    return auth.log_in(db, "chuangkou", "Temp2024pw")


def _forced_note(qtbot, db, user) -> str:
    dialog = ChangePasswordDialog(db, user, forced=True)
    qtbot.addWidget(dialog)
    return dialog.forced_note.text()


def test_a_new_accounts_first_password_change_says_it_is_the_first_log_in(qtbot, station_db):
    user = _new_account(station_db)
    assert _forced_note(qtbot, station_db, user) == FIRST_NOTE
    user = auth.log_in(station_db, "chuangkou", "Temp2024pw")    # the first try stopped at the change
    assert _forced_note(qtbot, station_db, user) == FIRST_NOTE


def test_a_reset_password_change_says_the_administrator_reset_it(qtbot, station_db):
    user = _new_account(station_db)
    with station_db.session(user.actor) as s:
        auth.change_own_password(s, user.id, "Temp2024pw", "Zijide2024pw")
    with station_db.session() as s:                             # the administrator
        auth.reset_password(s, user.id, "Chongzhi2024")
    user = auth.log_in(station_db, "chuangkou", "Chongzhi2024")
    assert user.must_change_password and _forced_note(qtbot, station_db, user) == RESET_NOTE


def test_log_in_enter_in_the_password_logs_in_after_tab_passed_quit(qtbot, station_db):
    dialog = opened(qtbot, LoginDialog(station_db, "桥东街道社会工作服务站"))
    assert focused() is dialog.username
    qtbot.keyClicks(focused(), "admin")
    key(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), ADMIN_PASSWORD)
    quit_button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "退出")
    tab_to(qtbot, quit_button)
    tab_to(qtbot, dialog.password)
    key(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user.username == "admin"
