"""The byte search of issue 17: no file the program wrote holds the test's personal data in plain.

Known, distinctive personal data are written through the services into a station made by
``shuanbai-desktop init``; then the command line backs it up (its own ``backups`` folder and ``--to`` a
second folder standing for the USB stick) and a ``demo`` run is killed while its rollback journal is
hot. The raw bytes of every file under the data folder (database, journal, key file, attachment store,
backups, their sidecars and attachment copies), the USB folder, the configuration folder (audit keys, head files) and the log folder are
searched for each value in UTF-8, GB18030 and UTF-16-LE (the ID number and the phone also as ASCII,
and the ID number reversed and the name's pinyin as the search index keeps them): none may be found.
The same search finds them in a plain copy of the database (so the search can fail).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from shuanbai_desktop import paths
from shuanbai_desktop.data.engine import connect, is_plain_file
from shuanbai_desktop.data.keyring import keyring_path
from shuanbai_desktop.domain.idcard import is_valid_id_number
from shuanbai_desktop.domain.pinyin import name_search_keys
from shuanbai_desktop.domain.target_labels import DisabilityGrade, DisabilityType, TargetGroup
from tests.conftest import copy_template, unlock

from .test_cli import ADMIN, PASSWORD, cli, open_as
from .test_encryption import kill_demo_mid_transaction

NAME = "欧阳翠花"
ID_NUMBER = "441302198001015270"  # valid check digit (asserted below)
PHONE = "13926581357"
GUARDIAN = "欧阳振华"
GUARDIAN_PHONE = "13828460519"
ADDRESS = "桥东翠柳巷十七号之三"
NOTE = "右小腿截肢后装假肢，肢体残疾二级，夜间需人照看"
TEXTS = (NAME, GUARDIAN, ADDRESS, NOTE)
NUMBERS = (ID_NUMBER, PHONE, GUARDIAN_PHONE, ID_NUMBER[::-1], name_search_keys(NAME)[0])
ENCODINGS = ("utf-8", "gb18030", "utf-16-le")


def needles() -> dict[bytes, str]:
    """Every form searched for → what it is (for the failure message: never the value's bytes alone)."""
    found: dict[bytes, str] = {}
    for value in TEXTS + NUMBERS:
        for encoding in ENCODINGS:  # digits and pinyin: UTF-8 and GB18030 are their ASCII (one needle)
            found.setdefault(value.encode(encoding), f"{value} ({encoding})")
    return found


def hits(files: list[Path]) -> list[str]:
    """"file: what" for every needle found in the raw bytes of every file."""
    wanted = needles()
    found = []
    for file in files:
        data = file.read_bytes()
        for needle, what in wanted.items():
            if needle in data:
                found.append(f"{file.name}: {what}")
    return found


def files_under(*folders: Path) -> list[Path]:
    found = []
    for folder in folders:
        if folder.exists():
            found.extend(p for p in sorted(folder.rglob("*")) if p.is_file())
    return found


def write_resident(db_path: Path, scan: Path) -> None:
    """The resident, and a scan of a certificate (a text file naming them) attached to the record."""
    from shuanbai_desktop.services import attachments, persons
    scan.write_text(f"残疾证 {NAME} {ID_NUMBER} {PHONE} {NOTE}", encoding="utf-8")
    db = open_as(db_path)
    try:
        with db.session() as s:
            person_id = persons.save_person(s, persons.PersonInput(
                name=NAME, id_number=ID_NUMBER, phone=PHONE, address=ADDRESS, notes=NOTE,
                groups=(TargetGroup.DISABLED,), disability_type=DisabilityType.PHYSICAL.value,
                disability_grade=DisabilityGrade.TWO.value, guardian_name=GUARDIAN, guardian_relation="子女",
                guardian_phone=GUARDIAN_PHONE, health_note=NOTE), today=date(2024, 6, 3))
            attachments.add_attachment(s, db_path, "person", person_id, scan, f"{NAME}残疾证")
    finally:
        db.close()


def plain_copy(db_path: Path, target: Path) -> None:
    """The control: the same database decrypted into a plain SQLite file (SQLCipher's export)."""
    unlock(db_path, *ADMIN)
    conn = connect(db_path, "ro")
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    assert is_plain_file(target)


def test_the_search_finds_every_encoding_it_looks_for(tmp_path):
    """The search itself: a file holding each value in each encoding is found for every needle."""
    control = tmp_path / "control.bin"
    control.write_bytes(b"\x00".join(needles()))
    assert len(hits([control])) == len(needles())


@pytest.mark.skipif(os.name != "posix", reason="the journal is left by SIGKILL")
def test_no_file_the_program_wrote_holds_the_personal_data_in_plain(tmp_path, cli_station_template):
    assert is_valid_id_number(ID_NUMBER)
    data = tmp_path / "data"
    db = data / "s.db"
    copy_template(cli_station_template, db)
    write_resident(db, tmp_path / "scan.txt")
    password_file = tmp_path / "pw.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    usb = tmp_path / "usb"
    for extra in ((), ("--to", usb)):
        backed = cli("--db", db, "backup", *extra, login=ADMIN)
        assert backed.returncode == 0, backed.stderr
    journal = kill_demo_mid_transaction(db, ADMIN, password_file)

    searched = files_under(data, usb, paths.config_dir(), paths.log_dir())
    assert journal in searched and db in searched and keyring_path(db) in searched
    # the backup and the one on the stick (counted by path: made within one second, they share a name)
    assert len([p for p in searched if p.name.endswith(".sqlite3")]) == 2
    assert len([p for p in searched if p.name.endswith(".sqlite3.keyring")]) == 2
    assert any(p.suffix == ".log" for p in searched), "the command line wrote no log to search"
    assert len([p for p in searched if "attachments" in p.parts]) == 3  # the store, the backup's, the stick's
    assert hits(searched) == []
    for path in searched:  # nor in a file's name
        assert NAME not in str(path) and ID_NUMBER not in str(path)

    verified = cli("--db", db, "verify", login=ADMIN)  # rolls the journal back: still nothing in plain
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert hits(files_under(data, usb, paths.config_dir(), paths.log_dir())) == []

    control = tmp_path / "control" / "plain.db"
    control.parent.mkdir()
    plain_copy(db, control)
    found = hits([control])
    for value in TEXTS + NUMBERS:  # what SQLite stores: UTF-8 text
        assert f"plain.db: {value} (utf-8)" in found
