"""设立向导: first start creates the station, its villages and the administrator, or nothing at all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWizard

from shuanbai_desktop.data import divisions
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.ui.setup_wizard import SetupWizard
from tests.ui.helpers import grab, type_text

PASSWORD = "Qiao2024dong"


@pytest.fixture
def wizard(qtbot, empty_db):
    w = SetupWizard(empty_db)  # not qtbot.addWidget: closing it past the first page asks "确定退出吗？"
    w.show()
    yield w
    w.done(QDialog.DialogCode.Rejected)
    w.deleteLater()


def _choose(combo, text):
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _pick_town(wizard):
    page = wizard.town_page
    _choose(page.city, "惠州市")
    _choose(page.county, "惠城区")
    _choose(page.town, "桥东街道")


def _to_station_page(wizard):
    _pick_town(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.station_page


def _fill_admin(wizard, confirm=PASSWORD):
    page = wizard.admin_page
    page.username.setText("")
    QApplication.processEvents()
    type_text(page.username, "qiaodong")
    type_text(page.display_name, "陈副站长")
    type_text(page.password, PASSWORD)
    type_text(page.confirm, confirm)


def _understand(qtbot, wizard):
    """Tick 我已了解 under the warning that lost passwords and a lost recovery code lose the data."""
    box = wizard.summary_page.understood
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on its tick box
    assert box.isChecked() and wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def _saved(db):
    with db.session() as s:
        return station.get_station(s), auth.has_users(s)


def test_button_texts_are_chinese(wizard):
    for button, text in ((QWizard.WizardButton.NextButton, "下一步"), (QWizard.WizardButton.BackButton, "上一步"),
                         (QWizard.WizardButton.FinishButton, "完成"), (QWizard.WizardButton.CancelButton, "取消")):
        assert wizard.buttonText(button) == text


def test_town_page_lists_the_towns_villages(qtbot, wizard):
    page = wizard.town_page
    assert not page.isComplete()
    _pick_town(wizard)
    assert page.isComplete()
    names = [page.villages.item(i).text() for i in range(page.villages.count())]
    assert names == [v.name for v in divisions.villages("441302001")]
    assert "共有 13 个村(居)" in page.count_label.text()
    grab(wizard, "wizard-town")


def test_end_to_end_creates_station_villages_and_admin(qtbot, wizard, empty_db):
    _to_station_page(wizard)
    page = wizard.station_page
    assert page.name.text() == "桥东街道社会工作服务站"
    type_text(page.address, "惠州市惠城区桥东路1号")
    qtbot.keyClicks(page.phone, "0752-2808727")
    wizard.next()
    _fill_admin(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.summary_page
    assert "桥东街道社会工作服务站" in wizard.summary_page.summary.text()
    _understand(qtbot, wizard)
    grab(wizard, "wizard-summary")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.admin_username == "qiaodong"
    with empty_db.session() as s:
        info = station.get_station(s)
        villages = station.list_villages(s)
    assert (info.town_code, info.name, info.phone) == ("441302001", "桥东街道社会工作服务站", "0752-2808727")
    assert len(villages) == 13
    user = auth.log_in(empty_db, "qiaodong", PASSWORD)
    assert user.role is Role.ADMIN and user.display_name == "陈副站长" and not user.must_change_password


def test_empty_station_name_is_refused_at_the_field(qtbot, wizard, empty_db):
    _to_station_page(wizard)
    page = wizard.station_page
    page.name.clear()
    wizard.next()
    assert wizard.currentPage() is page
    assert page.errors.text == "社工站名称不能为空。"
    assert page.error_label.isVisible()
    assert page.name.styleSheet()  # outlined
    grab(wizard, "wizard-station-empty-name")
    assert _saved(empty_db) == (None, False)


def test_over_long_station_name_is_refused_with_the_count(qtbot, wizard, empty_db):
    _to_station_page(wizard)
    page = wizard.station_page
    page.name.clear()
    type_text(page.name, "桥" * 61)
    wizard.next()
    assert wizard.currentPage() is page
    assert "不能超过 60 个字" in page.errors.text and "61" in page.errors.text
    assert _saved(empty_db) == (None, False)


def test_mismatched_passwords_are_refused_at_the_field(qtbot, wizard, empty_db):
    _to_station_page(wizard)
    wizard.next()
    _fill_admin(wizard, confirm=PASSWORD + "x")
    wizard.next()
    page = wizard.admin_page
    assert wizard.currentPage() is page
    assert "两次输入的密码不一致" in page.errors.text
    assert page.confirm.styleSheet()
    grab(wizard, "wizard-admin-mismatch")
    assert _saved(empty_db) == (None, False)


def test_weak_password_shows_the_rule(qtbot, wizard):
    _to_station_page(wizard)
    wizard.next()
    page = wizard.admin_page
    type_text(page.username, "qiaodong")
    type_text(page.display_name, "陈副站长")
    type_text(page.password, "abcdefgh")
    type_text(page.confirm, "abcdefgh")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.errors.text == "密码需同时包含字母和数字。"


def test_error_at_finish_returns_to_the_field_and_saves_nothing(qtbot, wizard, empty_db):
    _to_station_page(wizard)
    wizard.next()
    _fill_admin(wizard)
    wizard.next()
    wizard.station_page.name.setText("   ")  # changed behind the summary's back
    _understand(qtbot, wizard)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.station_page)
    assert wizard.station_page.errors.text == "社工站名称不能为空。"
    assert wizard.isVisible()
    assert _saved(empty_db) == (None, False)


def test_cancel_past_the_first_page_asks_first(qtbot, wizard, monkeypatch):
    asked = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: asked.append(a) or False)
    _to_station_page(wizard)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert asked and wizard.isVisible()


def test_new_town_offers_its_default_name(qtbot, wizard):
    _to_station_page(wizard)
    wizard.back()
    _choose(wizard.town_page.town, "江北街道")
    wizard.next()
    assert wizard.station_page.name.text() == "江北街道社会工作服务站"


def test_finish_waits_for_the_encryption_warning_to_be_understood(qtbot, wizard, empty_db):
    _to_station_page(wizard)
    wizard.next()
    _fill_admin(wizard)
    wizard.next()
    page = wizard.summary_page
    assert wizard.currentPage() is page
    assert "数据将无法恢复" in page.encryption_warning.text() and "恢复码" in page.encryption_warning.text()
    assert page.encryption_warning.isVisible() and page.understood.text() == "我已了解"
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not page.understood.isChecked() and not page.isComplete()
    assert not finish.isEnabled()
    finish.click()  # a disabled button does nothing
    QApplication.processEvents()
    assert wizard.isVisible() and _saved(empty_db) == (None, False)
    page.understood.setFocus()
    qtbot.keyClick(page.understood, Qt.Key.Key_Space)  # keyboard only
    assert finish.isEnabled() and wizard.field("encryption_understood") is True
    qtbot.keyClick(page.understood, Qt.Key.Key_Space)
    assert not finish.isEnabled()
