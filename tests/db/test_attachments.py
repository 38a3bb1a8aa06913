"""The attachment store: content-addressed names, limits, kept in backups and brought back by restore."""

from __future__ import annotations

import pytest

from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import attachments, database_ops


def _file(tmp_path, name, data=b"%PDF-1.4 scan"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_stored_under_hash_without_the_personal_name(station_db, tmp_path):
    source = _file(tmp_path, "张三身份证复印件.pdf")
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, source, "", "admin")
    assert row.path.exists() and "张三" not in str(row.path)
    assert row.description == "张三身份证复印件" and row.path.read_bytes() == source.read_bytes()
    with station_db.session() as s:
        assert [a.id for a in attachments.list_attachments(s, station_db.path, "person", 1)] == [row.id]


@pytest.mark.parametrize(("name", "data", "rule"), [
    ("a.exe", b"MZ", "不支持"), ("empty.pdf", b"", "空文件")])
def test_refused_files(station_db, tmp_path, name, data, rule):
    with pytest.raises(UserError, match=rule), station_db.session() as s:
        attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, name, data), "", "admin")


def test_backup_carries_the_store_and_restore_brings_it_back(station_db, admin, tmp_path):
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, "x.png", b"png"),
                                         "照片", "admin")
    saved = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert (saved.path.parent / "attachments" / row.path.relative_to(attachments.store_dir(station_db.path))).exists()
    row.path.unlink()
    restored, _ = database_ops.restore_into(station_db, saved.path, admin.actor)
    restored.close()
    assert row.path.read_bytes() == b"png"
