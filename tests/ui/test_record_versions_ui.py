"""Issue 19: the resident form opened here, a colleague saves the same resident meanwhile, 保存 here: the
refusal names the colleague and the time, the form stays open with what was typed, nothing is saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.ui.persons.person_dialog import PersonDialog
from tests.ui.helpers import click, grab, type_text

VILLAGE = "441302001001"
PASSWORD = "Shegong2024"


def test_a_save_after_a_colleagues_save_is_refused_and_the_typed_text_stays(qtbot, ctx, station_db):
    with station_db.session() as s:
        auth.create_user(s, "sg2", "林小红", Role.SOCIAL_WORKER, PASSWORD, must_change=False)
        pid = persons.save_person(s, PersonInput("张三", "", "未办证", village_code=VILLAGE), today=date(2026, 11, 2))
    colleague = auth.log_in(station_db, "sg2", PASSWORD)

    dialog = PersonDialog(ctx, pid)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    qtbot.waitExposed(dialog)

    with station_db.session(colleague.actor) as s:  # another PC: the colleague opens and saves the resident
        opened = persons.get_person(s, pid)
        persons.save_person(s, PersonInput("张三", None, "未办证", village_code=VILLAGE, address="东湖社区3组8号"),
                            pid, version=opened.version)
    with station_db.session() as s:
        changed_at = s.scalar(select(AuditEntry.at).where(AuditEntry.table_name == "person")
                              .order_by(AuditEntry.id.desc()))

    dialog.basic.address_edit.clear()
    type_text(dialog.basic.address_edit, "西湖社区1组")
    click(qtbot, dialog.save_button)

    message = f"此记录已被林小红于{changed_at:%Y-%m-%d %H:%M}修改，请重新打开。"
    assert dialog.error_label.text() == message and dialog.error_label.isVisible()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.basic.address_edit.text() == "西湖社区1组"
    grab(dialog, "record-version-refused")
    with station_db.session() as s:
        assert persons.get_person(s, pid).address == "东湖社区3组8号"
