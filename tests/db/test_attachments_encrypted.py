"""Attachments encrypted at rest (issue 17): beside an encrypted database a stored file is ``….enc``
(AES-256-GCM under a key derived from the data key); plain files from before still read; the upgrade
encrypts the store, and the plain backups' store when they are removed; backups copy files as they are;
opened copies go to a private temporary folder that is removed.

``station_db`` is encrypted (tests/conftest.py), its key known in this process.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shuanbai_desktop.data import engine
from shuanbai_desktop.data.engine import is_plain_file
from shuanbai_desktop.data.models.attachments import Attachment
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import attachments, database_ops
from tests.conftest import ADMIN_PASSWORD

from .test_encryption import AT, plain_station

# What a stolen PC must not reveal: a name and an ID number inside the scan.
SECRET = "张三 身份证 440524201503040022".encode()
SCAN = b"%PDF-1.4\n" + SECRET * 200 + b"\n%%EOF\n"


def _file(folder: Path, name: str, data: bytes = SCAN) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _store_files(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*") if p.is_file())


def _plain_row(db, tmp_path: Path, data: bytes, name: str = "旧扫描件.pdf") -> attachments.AttachmentRow:
    """An attachment stored plain, as the previous version stored it (a row and a plain file)."""
    sha = hashlib.sha256(data).hexdigest()
    plain = attachments.store_dir(db.path) / sha[:2] / f"{sha}.pdf"
    plain.parent.mkdir(parents=True, exist_ok=True)
    plain.write_bytes(data)
    with db.session() as s:
        row = Attachment(owner_type="person", owner_id=1, description="旧扫描件", original_name=name,
                         stored_name=f"{sha}.pdf", size=len(data), sha256=sha, added_by="admin")
        s.add(row)
        s.flush()
        row_id = row.id
    with db.session() as s:
        return next(a for a in attachments.list_attachments(s, db.path, "person", 1) if a.id == row_id)


def test_a_new_attachment_is_stored_encrypted_and_reads_back_exactly(station_db, tmp_path):
    source = _file(tmp_path, "张三身份证.pdf")
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, source, "身份证")
    files = _store_files(attachments.store_dir(station_db.path))
    assert files == [row.path] and row.path.name.endswith(".pdf.enc") and row.encrypted
    assert row.path.name == hashlib.sha256(SCAN).hexdigest() + ".pdf.enc"
    raw = row.path.read_bytes()
    assert raw.startswith(attachments.MAGIC) and SECRET not in raw and b"%PDF" not in raw

    with station_db.session() as s:
        listed = attachments.list_attachments(s, station_db.path, "person", 1)
    assert [a.path for a in listed] == [row.path]
    assert attachments.open_plain(listed[0], station_db.path) == SCAN
    out = tmp_path / "out"
    out.mkdir()
    saved = attachments.export_copy(listed[0], out, station_db.path)
    assert saved == out / "张三身份证.pdf" and saved.read_bytes() == SCAN

    with station_db.session() as s:  # the same content again: one stored file
        attachments.add_attachment(s, station_db.path, "person", 2, _file(tmp_path, "copy.pdf"), "")
    assert _store_files(attachments.store_dir(station_db.path)) == [row.path]


def test_a_plain_file_from_before_still_reads_and_encrypt_store_converts_it(station_db, tmp_path):
    old = b"%PDF-1.4 old scan " + SECRET
    row = _plain_row(station_db, tmp_path, old)
    assert not row.encrypted and attachments.open_plain(row, station_db.path) == old

    assert attachments.encrypt_store(station_db.path, engine.key_for(station_db.path)) == 1
    assert not row.path.exists()
    (sealed,) = _store_files(attachments.store_dir(station_db.path))
    assert sealed.name == row.path.name + ".enc" and SECRET not in sealed.read_bytes()
    assert attachments.open_plain(row, station_db.path) == old  # the row read before the change
    with station_db.session() as s:
        (listed,) = attachments.list_attachments(s, station_db.path, "person", 1)
    assert listed.path == sealed and attachments.open_plain(listed, station_db.path) == old
    assert attachments.encrypt_store(station_db.path, engine.key_for(station_db.path)) == 0


def test_a_tampered_or_moved_file_is_refused_in_chinese(station_db, tmp_path):
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, "a.pdf"), "")
    raw = bytearray(row.path.read_bytes())
    raw[-20] ^= 0x01
    row.path.write_bytes(bytes(raw))
    with pytest.raises(UserError, match="附件文件已损坏或不是本站的密钥加密的"):
        attachments.open_plain(row, station_db.path)
    with pytest.raises(UserError, match="附件文件已损坏或不是本站的密钥加密的"):
        attachments.export_copy(row, tmp_path, station_db.path)
    assert not (tmp_path / "a.pdf.tmp").exists()

    with station_db.session() as s:  # a good file put under another stored name (associated data)
        good = attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, "b.pdf", b"other"), "")
    row.path.write_bytes(good.path.read_bytes())
    with pytest.raises(UserError, match="附件文件已损坏"):
        attachments.open_plain(row, station_db.path)


def test_backups_hold_encrypted_copies_only_and_restore_brings_them_back(station_db, admin, tmp_path):
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, "x.pdf"), "")
    saved = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    copies = _store_files(saved.path.parent / "attachments")
    assert [p.name for p in copies] == [row.path.name]
    assert copies[0].read_bytes() == row.path.read_bytes()  # copied as it is: no plain content
    row.path.unlink()
    restored, _ = database_ops.restore_into(station_db, saved.path, admin.actor)
    restored.close()
    assert row.path.exists() and attachments.open_plain(row, station_db.path) == SCAN


def test_a_plain_file_restored_into_an_encrypted_station_is_encrypted_on_its_way_in(station_db, tmp_path):
    backup_store = tmp_path / "backups" / "attachments"
    sha = hashlib.sha256(SCAN).hexdigest()
    (backup_store / sha[:2]).mkdir(parents=True)
    _file(backup_store / sha[:2], f"{sha}.pdf")
    assert attachments.restore_store(backup_store, station_db.path) == 1
    (stored,) = _store_files(attachments.store_dir(station_db.path))
    assert stored.name == f"{sha}.pdf.enc" and SECRET not in stored.read_bytes()
    assert attachments.open_plain(stored, station_db.path) == SCAN


def test_the_upgrade_encrypts_the_store_and_the_plain_backups_store_when_they_go(tmp_path):
    from shuanbai_desktop.services import auth, encryption
    from shuanbai_desktop.services.opening import open_app_database
    path = tmp_path / "old" / "s.db"
    plain_station(path)
    db = open_app_database(path)
    user = auth.log_in(db, "admin", ADMIN_PASSWORD)
    db.acting_for = user.actor
    with db.session() as s:  # the previous version: a plain database, a plain store
        row = attachments.add_attachment(s, path, "person", 1, _file(tmp_path, "户口本.pdf"), "户口本")
    assert not row.encrypted and row.path.read_bytes() == SCAN

    steps = []
    done = encryption.encrypt_plain(db, user, ADMIN_PASSWORD, AT, lambda p, text="": steps.append(text))
    try:
        assert "正在加密附件（1/1）" in steps
        store = _store_files(attachments.store_dir(path))
        assert [p.name for p in store] == [row.path.name + ".enc"] and SECRET not in store[0].read_bytes()
        assert attachments.open_plain(row, path) == SCAN
        backup_store = path.parent / "backups" / "attachments"
        assert [p.name for p in _store_files(backup_store)] == [row.path.name]  # the plain backup's copy

        assert encryption.remove_plain_backups(done.plain_backups, path) == 1
        (kept,) = _store_files(backup_store)
        assert kept.name == row.path.name + ".enc" and SECRET not in kept.read_bytes()
        assert attachments.open_plain(kept, path) == SCAN
    finally:
        done.db.close()


def test_a_plain_database_keeps_a_plain_store(tmp_path):
    from shuanbai_desktop.services import auth
    from shuanbai_desktop.services.opening import open_app_database
    path = tmp_path / "old" / "s.db"
    plain_station(path)
    db = open_app_database(path)
    db.acting_for = auth.log_in(db, "admin", ADMIN_PASSWORD).actor
    try:
        assert is_plain_file(path) and attachments.store_key(path) is None
        with db.session() as s:
            row = attachments.add_attachment(s, path, "person", 1, _file(tmp_path, "a.pdf"), "")
        assert not row.encrypted and row.path.read_bytes() == SCAN
    finally:
        db.close()


# --- copies opened for viewing ----------------------------------------------------------------------


@pytest.fixture
def own_temp(tmp_path, monkeypatch):
    """The temporary folder of this test (viewing copies go there), emptied of this process's copies after."""
    import tempfile
    folder = tmp_path / "temp"
    folder.mkdir()
    attachments.remove_viewing_copies()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    attachments.remove_viewing_copies()


def test_a_viewing_copy_is_decrypted_privately_under_its_name_and_removed(station_db, tmp_path, own_temp):
    with station_db.session() as s:
        row = attachments.add_attachment(s, station_db.path, "person", 1, _file(tmp_path, "张三身份证.pdf"), "")
    copy = attachments.viewing_copy(row, station_db.path)
    assert copy.name == "张三身份证.pdf" and copy.read_bytes() == SCAN
    folder = copy.parent.parent
    assert folder.parent == own_temp and folder.name.startswith(f"shuanbai-open-{os.getpid()}-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert attachments.viewing_copy(row, station_db.path) == copy  # opened again: the same copy
    attachments.clean_leftovers(station_db.path)  # this process's own folder is not a leftover
    assert copy.exists()
    attachments.remove_viewing_copies()
    assert not folder.exists()


def test_a_killed_programs_viewing_copies_are_removed_at_the_next_start(station_db, tmp_path, own_temp):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = int(gone.stdout)
    left = own_temp / f"shuanbai-open-{dead}-abc123" / "3"
    left.mkdir(parents=True)
    (left / "张三身份证.pdf").write_bytes(SCAN)
    alive = own_temp / f"shuanbai-open-{os.getppid()}-def456"  # a program still running keeps its copies
    alive.mkdir()
    half = attachments.store_dir(station_db.path) / "ab" / "abc.pdf.enc.tmp"  # a cut write in the store
    half.parent.mkdir(parents=True)
    half.write_bytes(b"half")

    from shuanbai_desktop.services.opening import open_app_database
    station_db.close()
    open_app_database(station_db.path).close()  # the start-up's leftovers hook

    assert not left.parent.exists() and alive.exists() and not half.exists()
