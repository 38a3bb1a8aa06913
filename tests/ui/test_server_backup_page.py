"""设置 → 备份与恢复 on a station whose database is on a PostgreSQL server (issue 19): the shared folder's
backups, 立即备份 (pg_dump), 重新检查 (restored on trial on the server) and 从所选备份恢复 with a safety dump."""

from __future__ import annotations

from shuanbai_desktop import paths
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.services import backup, station
from tests.ui.helpers import click, grab
from tests.ui.test_settings_backup import _add_point, ctx, dialogs, page, relogins, view  # noqa: F401  (the page's fixtures)

BACKENDS = ("postgresql",)


def test_back_up_recheck_and_restore_on_a_server(qtbot, page, ctx, relogins, dialogs):  # noqa: F811
    assert page.folder_label.text() == str(paths.backups_dir(ctx.db.anchor))
    assert str(ctx.db.server.shared_dir) in page.folder_label.text()
    assert page.offsite_label.text().startswith("共用文件夹以外还没有备份")
    _add_point(ctx, "恢复前已有的社工点")
    click(qtbot, page.backup_button)
    qtbot.waitUntil(lambda: not page.worker.running, timeout=60_000)
    assert dialogs["error"] == []
    assert page.model.rowCount() == 1 and page.model.index(0, 3).data() == "已核对，完整检查待进行"
    page.table.selectRow(0)
    click(qtbot, page.recheck_button)
    qtbot.waitUntil(lambda: not page.worker.running, timeout=60_000)
    assert page.model.index(0, 3).data().startswith("完好（"), page.model.index(0, 3).data()
    grab(page.window(), "settings_backup_server")

    _add_point(ctx, "备份之后新增的社工点")
    page.refresh()
    page.table.selectRow(0)
    click(qtbot, page.restore_button)
    assert dialogs["error"] == [] and len(relogins) == 1
    with relogins[0].session() as s:
        assert [p.name for p in station.list_service_points(s)] == ["恢复前已有的社工点"]
    kinds = [b.kind for b in backup.list_backups(paths.backups_dir(ctx.db.anchor))]
    assert BackupKind.PRE_RESTORE in kinds and "恢复前安全副本" in dialogs["info"][0]
