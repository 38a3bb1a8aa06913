"""设置 → 备份与恢复: back up now, copy elsewhere, recheck, restore with a safety copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from shuanbai_desktop import paths
from shuanbai_desktop.data.keyring import keyring_path
from shuanbai_desktop.domain.labels import BackupKind, FacilityType
from shuanbai_desktop.services import backup, backup_offsite, database_ops, station
from shuanbai_desktop.services.database_ops import open_app_database
from shuanbai_desktop.ui.settings import SettingsView
from tests import shots
from tests.conftest import ADMIN_PASSWORD
from tests.ui.helpers import app_context, click, grab

SHOTS = shots.folder()  # pictures for a person to look at, outside the checkout


@pytest.fixture
def relogins():
    reopened = []
    yield reopened
    for db in reopened:
        db.close()


@pytest.fixture
def ctx(station_db, admin, relogins):
    return app_context(station_db, admin, request_relogin=relogins.append)


@pytest.fixture
def view(qtbot, ctx):
    widget = SettingsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1180, 680)
    widget.show()
    widget.show_page("settings.backup")
    return widget


@pytest.fixture
def page(view):
    return view.pages["settings.backup"]


@pytest.fixture
def dialogs(monkeypatch):
    said = {"error": [], "info": [], "confirm": []}
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda p, text, title="": said["error"].append(text))
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda p, text, title="": said["info"].append(text))

    def confirm(parent, text, title=""):
        said["confirm"].append(text)
        return True
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", confirm)
    return said


def _add_point(ctx, name):
    with ctx.session() as s:
        codes = [v.code for v in station.list_villages(s)][:1]
        station.save_service_point(s, station.ServicePointInput(name, FacilityType.SCHOOL, "", "", "", tuple(codes)))


def test_back_up_now_adds_a_checked_row(qtbot, page, ctx):
    assert page.model.rowCount() == 0
    assert page.folder_label.text() == str(paths.backups_dir(ctx.db.path))
    click(qtbot, page.backup_button)
    qtbot.waitUntil(lambda: not page.worker.running)
    assert page.model.rowCount() == 1
    assert page.model.index(0, 1).data() == "手动"
    assert page.model.index(0, 3).data() == "已核对，完整检查待进行"  # the full check follows in the background
    assert page.model.index(0, 2).data().endswith(("KB", "MB"))
    assert page.notice.text().startswith("备份完成（")
    assert page.backup_button.isEnabled()
    grab(page.window(), "settings_backup")
    page._set_busy("正在备份，请稍候…")  # what the page looks like while a backup runs
    grab(page.window(), "settings_backup_busy")
    page._set_busy("")


def test_copy_to_another_folder(qtbot, page, tmp_path, monkeypatch):
    usb = tmp_path / "U盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    click(qtbot, page.copy_button)
    qtbot.waitUntil(lambda: not page.worker.running)
    copies = backup.list_backups(usb)
    assert len(copies) == 1 and copies[0].ok
    assert str(usb) in page.notice.text()
    assert page.model.rowCount() == 0  # the copy is not in the app's own folder


def test_recheck_selected_backup(qtbot, page, ctx, dialogs):
    click(qtbot, page.recheck_button)
    assert dialogs["error"] == ["请先在备份列表中选中一份备份。"]
    database_ops.backup_now(ctx.db, BackupKind.MANUAL, ctx.user.actor)
    page.refresh()
    page.table.selectRow(0)
    click(qtbot, page.recheck_button)
    qtbot.waitUntil(lambda: not page.worker.running)
    assert page.model.index(0, 3).data().startswith("完好（")
    assert page.model.index(0, 3).data().endswith("复查）")


def test_restore_from_list_keeps_a_safety_copy_and_relogs_in(qtbot, page, ctx, relogins, dialogs):
    _add_point(ctx, "恢复前已有的社工点")
    made = database_ops.backup_now(ctx.db, BackupKind.MANUAL, ctx.user.actor)
    _add_point(ctx, "备份之后新增的社工点")
    page.refresh()
    page.table.selectRow(0)
    click(qtbot, page.restore_button)
    assert len(dialogs["confirm"]) == 1
    assert "恢复前安全副本" in dialogs["confirm"][0] and "登录界面" in dialogs["confirm"][0]
    assert dialogs["error"] == []
    assert len(relogins) == 1
    new_db = relogins[0]
    with new_db.session() as s:
        assert [p.name for p in station.list_service_points(s)] == ["恢复前已有的社工点"]
    kinds = [b.kind for b in backup.list_backups(paths.backups_dir(ctx.db.path))]
    assert BackupKind.PRE_RESTORE in kinds
    safety = next(b for b in backup.list_backups(paths.backups_dir(ctx.db.path)) if b.kind is BackupKind.PRE_RESTORE)
    assert f"恢复前安全副本”（{safety.created_at:%Y-%m-%d %H:%M}）" in dialogs["info"][0]
    assert safety.path != made.path


def test_restore_refuses_a_file_that_is_not_a_backup(qtbot, page, ctx, relogins, dialogs, tmp_path, monkeypatch):
    junk = tmp_path / "照片.db"
    junk.write_bytes(b"not a database at all" * 100)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(junk), ""))
    _add_point(ctx, "现有社工点")
    click(qtbot, page.restore_file_button)
    assert len(dialogs["error"]) == 1 and dialogs["confirm"] == [] and relogins == []
    with ctx.session() as s:
        assert [p.name for p in station.list_service_points(s)] == ["现有社工点"]


def test_restore_cancelled_changes_nothing(qtbot, page, ctx, relogins, monkeypatch):
    database_ops.backup_now(ctx.db, BackupKind.MANUAL, ctx.user.actor)
    page.refresh()
    page.table.selectRow(0)
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: False)
    click(qtbot, page.restore_button)
    assert relogins == []
    assert [b.kind for b in backup.list_backups(Path(page.folder))] == [BackupKind.MANUAL]


def test_recheck_after_the_background_check_says_sound(qtbot, page, ctx):
    database_ops.backup_now(ctx.db, BackupKind.EXIT, ctx.user.actor)
    database_ops.check_pending_backups(ctx.db)
    page.refresh()
    assert page.model.index(0, 3).data() == "完好"


def test_second_backup_folder_is_set_copied_and_shown(qtbot, view, page, ctx, tmp_path, monkeypatch):
    assert page.second_label.text().startswith("未设置")
    assert "本机以外还没有备份" in page.offsite_label.text()
    usb = tmp_path / "U盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    click(qtbot, page.second_button)
    assert page.second_label.text().startswith(str(usb)) and "已连接" in page.second_label.text()
    with ctx.session() as s:
        assert backup_offsite.configured_folder(s) == usb
    click(qtbot, page.backup_button)
    qtbot.waitUntil(lambda: not page.worker.running)
    copies = backup.list_backups(usb)
    assert len(copies) == 1
    assert f"已复制到第二备份位置：{usb}" in page.notice.text()
    assert "最近一份本机以外的备份" in page.offsite_label.text() and str(usb) in page.offsite_label.text()
    assert f"{copies[0].created_at:%Y-%m-%d %H:%M}" in page.offsite_label.text()
    view.resize(1366, 768)
    QApplication.processEvents()
    view.grab().save(str(SHOTS / "settings_backup_second_folder.png"))
    usb.rename(tmp_path / "拔掉了")  # unplugged: the page still says where and when
    page.refresh()
    assert "未连接" in page.second_label.text() and str(usb) in page.offsite_label.text()


def _other_station_backup(tmp_path) -> Path:
    other = open_app_database(tmp_path / "桥西" / "s.db")
    try:
        with other.session() as s:
            station.setup_station(s, "441302002", "桥西街道社会工作服务站", "", "", "qiaoxi", "王站长", ADMIN_PASSWORD)
        return backup.make_backup(other.path, tmp_path / "桥西U盘", BackupKind.MANUAL).path
    finally:
        other.close()


def test_restoring_another_stations_backup_needs_its_name_typed(qtbot, page, ctx, relogins, dialogs, tmp_path,
                                                               monkeypatch):
    file = _other_station_backup(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(file), ""))
    asked = []

    def typed(name):
        def ask(parent, source, current):
            asked.append((source.station_name, current))
            return name
        return ask
    monkeypatch.setattr("shuanbai_desktop.ui.settings.restore.ask_station_name", typed("桥东街道社会工作服务站"))
    click(qtbot, page.restore_file_button)
    assert asked == [("桥西街道社会工作服务站", ("441302001", "桥东街道社会工作服务站"))]
    assert dialogs["error"] == ["输入的站名与备份中的站名不一致，没有恢复。"]
    assert dialogs["confirm"] == [] and relogins == []
    with ctx.session() as s:
        assert station.get_station(s).town_code == "441302001"
    assert not list(ctx.db.path.parent.glob("*.restore.tmp"))
    monkeypatch.setattr("shuanbai_desktop.ui.settings.restore.ask_station_name", typed("桥西街道社会工作服务站"))
    click(qtbot, page.restore_file_button)
    assert len(dialogs["confirm"]) == 1 and len(relogins) == 1
    with relogins[0].session() as s:
        assert station.get_station(s).town_code == "441302002"


def test_other_station_dialog_text(qtbot, ctx, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from shuanbai_desktop.ui.settings import restore
    file = _other_station_backup(tmp_path)
    source = database_ops.prepare_restore(ctx.db, file)
    try:
        shown = []
        def refuse(dialog):
            shown.append(dialog.labelText())
            return 0
        monkeypatch.setattr(QInputDialog, "exec", refuse)
        assert restore.ask_station_name(None, source, ("441302001", "桥东街道社会工作服务站")) is None
        assert "桥西街道社会工作服务站（区划代码 441302002）" in shown[0] and "桥东街道社会工作服务站" in shown[0]
    finally:
        backup.discard(source)


def test_restore_from_a_write_protected_file(qtbot, page, ctx, relogins, dialogs, tmp_path, monkeypatch):
    _add_point(ctx, "备份里的社工点")
    made = database_ops.backup_now(ctx.db, BackupKind.MANUAL, ctx.user.actor)
    stick = tmp_path / "写保护U盘"
    stick.mkdir()
    file = stick / made.path.name
    file.write_bytes(made.path.read_bytes())
    backup.sidecar_path(file).write_bytes(backup.sidecar_path(made.path).read_bytes())
    keyring_path(file).write_bytes(keyring_path(made.path).read_bytes())  # the set's key file (encrypted)
    for path in (file, backup.sidecar_path(file), keyring_path(file), stick):
        path.chmod(0o555 if path.is_dir() else 0o444)
    _add_point(ctx, "备份之后的社工点")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(file), ""))
    try:
        click(qtbot, page.restore_file_button)
    finally:
        stick.chmod(0o755)
    assert dialogs["error"] == [] and len(relogins) == 1
    with relogins[0].session() as s:
        assert [p.name for p in station.list_service_points(s)] == ["备份里的社工点"]


def test_a_changed_backup_is_refused_in_the_gui(qtbot, page, ctx, relogins, dialogs):
    made = database_ops.backup_now(ctx.db, BackupKind.MANUAL, ctx.user.actor)
    data = bytearray(made.path.read_bytes())
    data[-10] ^= 0x01
    made.path.write_bytes(bytes(data))
    page.refresh()
    page.table.selectRow(0)
    click(qtbot, page.restore_button)
    assert len(dialogs["error"]) == 1 and "校验值" in dialogs["error"][0]
    assert dialogs["confirm"] == [] and relogins == []
