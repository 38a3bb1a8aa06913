"""PersonPicker and PersonDialog: search as you type, choose, create, duplicates and similar persons; the
edit form's ID number masked until revealed with a reason, and kept as stored when saved unrevealed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import BenefitKind, TargetGroup
from shuanbai_desktop.services import auth, persons, station
from shuanbai_desktop.services.persons import PersonFilter, PersonInput
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.persons.person_dialog import PersonDialog
from shuanbai_desktop.ui.persons.picker import PersonPicker
from tests.ui.helpers import click, grab, type_text

VILLAGE = "441302001001"
ID_A = "440524188001010014"
ID_B = "11010519491231002X"


@pytest.fixture
def ctx(station_db, admin):
    with station_db.session() as s:
        info = station.get_station(s)
        for name, number, phone in (("张三", ID_A, "13800138000"), ("曾小明", ID_B, ""),
                                    ("张晓红", "", "13912345678"), ("䶮王", "34052419800101001X", ""),
                                    ("王𠮷", "", "")):
            persons.save_person(s, PersonInput(name, number, no_id_reason="" if number else "未办证", phone=phone,
                                               village_code=VILLAGE))
    return AppContext(db=station_db, user=admin, station=info)


@pytest.fixture
def picker(qtbot, ctx):
    widget = PersonPicker(ctx)
    qtbot.addWidget(widget)
    widget.resize(620, 320)
    widget.show()
    return widget


def _names(picker):
    return [r.name for r in picker.model.rows]


@pytest.mark.parametrize(("typed", "names"), [
    ("zs", ["张三"]), ("zeng", ["曾小明"]), ("0014", ["张三"]), ("5678", ["张晓红"]), ("wj", ["王𠮷"]),
])
def test_results_as_you_type(qtbot, picker, typed, names):
    qtbot.keyClicks(picker.search_edit, typed)
    assert _names(picker) == names


def test_chinese_part_rare_characters_and_masking(picker):
    type_text(picker.search_edit, "张")
    assert sorted(_names(picker)) == ["张三", "张晓红"]
    assert picker.model.index(0, 3).data() == "440524********0014"
    picker.search_edit.clear()
    type_text(picker.search_edit, "𠮷")
    assert _names(picker) == ["王𠮷"]
    picker.search_edit.clear()
    type_text(picker.search_edit, "䶮")
    assert _names(picker) == ["䶮王"]
    grab(picker, "persons_picker_rare")


def test_enter_chooses_and_emits(qtbot, picker, ctx):
    qtbot.keyClicks(picker.search_edit, "zs")
    with qtbot.waitSignal(picker.personChosen) as signal:
        qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)
    with ctx.session() as s:
        zhang = persons.search(s, PersonFilter(text="张三"))[0].id
    assert signal.args == [zhang] and picker.chosen_id() == zhang
    assert picker.chosen_label.text().startswith("已选：张三（男") and "440524********0014" in picker.chosen_label.text()
    grab(picker, "persons_picker")


def test_double_click_chooses(qtbot, picker):
    qtbot.keyClicks(picker.search_edit, "zxh")
    rect = picker.table.visualRect(picker.model.index(0, 0))
    qtbot.mouseClick(picker.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(picker.personChosen):
        qtbot.mouseDClick(picker.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert picker.chosen_label.text().startswith("已选：张晓红")


def test_nothing_found_says_so(qtbot, picker):
    type_text(picker.search_edit, "欧阳")
    assert _names(picker) == [] and "没有找到" in picker.status.text()


def test_new_person_prefilled_and_chosen(qtbot, picker, ctx):
    type_text(picker.search_edit, "李四")
    qtbot.mouseClick(picker.new_button, Qt.MouseButton.LeftButton)
    dialog = picker.dialog
    assert dialog.basic.name_edit.text() == "李四"
    dialog.basic.id_edit.setText("440524198001010013")
    assert "男，1980-01-01 出生" in dialog.basic.id_hint.text()
    grab(dialog, "persons_dialog_new")
    with qtbot.waitSignal(picker.personChosen) as signal:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with ctx.session() as s:
        saved = persons.get_person(s, signal.args[0])
    assert saved.name == "李四" and saved.sex == "男" and picker.chosen_id() == saved.id


def test_new_person_not_prefilled_with_pinyin(qtbot, picker):
    qtbot.keyClicks(picker.search_edit, "lisi")
    qtbot.mouseClick(picker.new_button, Qt.MouseButton.LeftButton)
    assert picker.dialog.basic.name_edit.text() == ""


@pytest.fixture
def dialog(qtbot, ctx):
    widget = PersonDialog(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_bad_input_shown_at_the_field_and_nothing_saved(qtbot, dialog, ctx):
    type_text(dialog.basic.name_edit, "王五")
    dialog.basic.id_edit.setText("110105194912310021")
    assert "校验位" in dialog.basic.id_hint.text()
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and "校验位" in dialog.errors.text
    assert dialog.basic.id_edit.styleSheet()
    dialog.basic.id_edit.setText("440524198002300011")
    click(qtbot, dialog.save_button)
    assert "出生日期无效" in dialog.errors.text
    dialog.basic.id_edit.setText("440524198001010013")
    dialog.basic.phone_edit.setText("12345678901")
    click(qtbot, dialog.save_button)
    assert "手机号" in dialog.errors.text
    grab(dialog, "persons_dialog_error")
    with ctx.session() as s:
        assert persons.count(s, PersonFilter(text="王五")) == 0


def test_same_id_offers_the_existing_record(qtbot, dialog, ctx):
    type_text(dialog.basic.name_edit, "张叁")
    dialog.basic.id_edit.setText(ID_A.lower())
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.choice.isVisible() and not dialog.choice.create_button.isVisible()
    assert "440524********0014" in dialog.choice.message.text()
    grab(dialog, "persons_dialog_duplicate")
    click(qtbot, dialog.choice.open_button)
    with ctx.session() as s:
        assert dialog.result() == PersonDialog.DialogCode.Accepted
        assert persons.get_person(s, dialog.person_id).name == "张三"
        assert persons.count(s, PersonFilter(text="张叁")) == 0


def test_similar_person_listed_masked_then_created_anyway(qtbot, dialog, ctx):
    type_text(dialog.basic.name_edit, "张三")
    dialog.basic.reason_edit.setText("新生儿未办证")
    dialog.basic.village_combo.setCurrentIndex(dialog.basic.village_combo.findData(VILLAGE))
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.choice.candidates.count() == 1
    assert "440524********0014" in dialog.choice.candidates.item(0).text()
    assert ID_A not in dialog.choice.candidates.item(0).text()
    grab(dialog, "persons_dialog_similar")
    click(qtbot, dialog.choice.create_button)
    assert dialog.result() == PersonDialog.DialogCode.Accepted
    with ctx.session() as s:
        assert persons.count(s, PersonFilter(text="张三")) == 2
        assert persons.get_person(s, dialog.person_id).no_id_reason == "新生儿未办证"


def test_edit_target_profile(qtbot, ctx):
    with ctx.session() as s:
        pid = persons.search(s, PersonFilter(text="张三"))[0].id
    dialog = PersonDialog(ctx, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.basic.id_edit.text() == "440524********0014" and dialog.basic.id_edit.isReadOnly()
    dialog.tabs.setCurrentWidget(dialog.profile)
    dialog.profile.group_boxes[TargetGroup.DISABLED].setChecked(True)
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "登记为残疾人时，请选择残疾类别。"
    dialog.profile.disability_combo.setCurrentIndex(dialog.profile.disability_combo.findData("physical"))
    dialog.profile.grade_combo.setCurrentIndex(dialog.profile.grade_combo.findData("2"))
    dialog.profile.group_boxes[TargetGroup.LOW_INCOME].setChecked(True)
    row = dialog.profile.benefits.add_row(BenefitKind.DIBAO)
    dialog.profile.benefits.table.cellWidget(row, 1).setText("abc")
    click(qtbot, dialog.save_button)
    assert "低保金金额应为金额数字" in dialog.errors.text
    dialog.profile.benefits.table.cellWidget(row, 1).setText("1050.5")
    grab(dialog, "persons_dialog_profile")
    click(qtbot, dialog.save_button)
    assert dialog.result() == PersonDialog.DialogCode.Accepted
    with ctx.session() as s:
        saved = persons.get_person(s, pid)
    assert saved.groups == (TargetGroup.LOW_INCOME, TargetGroup.DISABLED)
    assert saved.disability_grade.label == "二级" and str(saved.benefits[0].monthly_amount) == "1050.50"


def test_supervisor_reads_only(qtbot, station_db, ctx):
    with station_db.session() as s:
        auth.create_user(s, "dudao", "刘督导", Role.SUPERVISOR, "Kanzhe2024x", must_change=False)
    user = auth.log_in(station_db, "dudao", "Kanzhe2024x")
    ro = AppContext(db=station_db, user=user, station=ctx.station)
    picker = PersonPicker(ro)
    qtbot.addWidget(picker)
    assert not picker.new_button.isEnabled()
    dialog = PersonDialog(ro, 1)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled() and "只读" in dialog.windowTitle()
    assert date.today()  # the dialog opened on a real record without error


def _zhang(ctx) -> int:
    with ctx.session() as s:
        return persons.search(s, PersonFilter(text="张三"))[0].id


def _reveals(ctx, pid) -> list[AuditEntry]:
    with ctx.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "person",
                                                       AuditEntry.record_id == str(pid),
                                                       AuditEntry.summary == "查看完整身份证号")))


def test_editing_the_phone_only_keeps_the_id_number(qtbot, ctx):
    """The form opens with the masked number and must not write it back (issue 12)."""
    pid = _zhang(ctx)
    dialog = PersonDialog(ctx, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert ID_A not in dialog.basic.id_edit.text() and "保存时保留原号码" in dialog.basic.id_hint.text()
    grab(dialog, "persons_dialog_masked")
    dialog.basic.phone_edit.setText("13900139000")
    click(qtbot, dialog.save_button)
    assert dialog.result() == PersonDialog.DialogCode.Accepted
    with ctx.session() as s:
        saved = persons.get_person(s, pid)
        assert persons.reveal_id_number(s, pid, "测试核对号码") == ID_A
    assert saved.phone == "13900139000" and saved.birth_date == date(1880, 1, 1)


def test_reveal_asks_a_reason_audits_and_allows_correcting_the_number(qtbot, ctx, monkeypatch):
    pid = _zhang(ctx)
    dialog = PersonDialog(ctx, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.basic.reveal_button.isVisible()
    monkeypatch.setattr(dialog, "ask_reveal_reason", lambda: None)  # the reason prompt cancelled
    click(qtbot, dialog.basic.reveal_button)
    assert dialog.basic.id_edit.isReadOnly() and _reveals(ctx, pid) == []
    monkeypatch.setattr(dialog, "ask_reveal_reason", lambda: "核对身份证件")
    click(qtbot, dialog.basic.reveal_button)
    assert dialog.basic.id_edit.text() == ID_A and not dialog.basic.id_edit.isReadOnly()
    assert not dialog.basic.reveal_button.isVisible() and "1880-01-01 出生" in dialog.basic.id_hint.text()
    [event] = _reveals(ctx, pid)
    assert "核对身份证件" in event.changes
    grab(dialog, "persons_dialog_revealed")
    dialog.basic.id_edit.setText("440524198001010013")  # a mistyped number corrected
    click(qtbot, dialog.save_button)
    with ctx.session() as s:
        assert persons.get_person(s, pid).id_masked == "440524********0013"


@pytest.mark.parametrize(("role", "password"), [(Role.WINDOW, "Chuangkou-2024-x"), (Role.SUPERVISOR, "Kanzhe-2024-xx")])
def test_no_reveal_for_counter_or_supervisor(qtbot, station_db, ctx, role, password):
    with station_db.session() as s:
        auth.create_user(s, "someone", "某某", role, password, must_change=False)
    other = AppContext(db=station_db, user=auth.log_in(station_db, "someone", password), station=ctx.station)
    dialog = PersonDialog(other, _zhang(ctx))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.basic.id_edit.text() == "440524********0014" and not dialog.basic.reveal_button.isVisible()
    assert not dialog.save_button.isEnabled() and "只读" in dialog.windowTitle()
    assert "显示完整号码" not in dialog.basic.id_hint.text()
    assert not dialog.reveal_id("核对身份证件") and dialog.basic.id_edit.text() == "440524********0014"
    assert "不能查看完整身份证号" in dialog.errors.text
