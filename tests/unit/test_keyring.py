"""The key file of an encrypted database (data/keyring.py): slots, recovery code, file handling, failures."""

from __future__ import annotations

import base64
import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from shuanbai_desktop.data import audit_key, keyring
from shuanbai_desktop.data.keyring import (
    DataKey,
    KeyRing,
    KeyRingError,
    SlotParams,
    keyring_path,
    new_recovery_code,
    normalize_recovery_code,
)
from shuanbai_desktop.services import auth

DEFAULT_PARAMS = keyring.PARAMS  # as imported, before the fixture below lowers them
AT = datetime(2024, 5, 6, 9, 30)
PASSWORD = "Huo7shan-Lu9"
CHINESE_USER = "张三丰"


@pytest.fixture(autouse=True)
def cheap_params(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap Argon2 for new slots in these tests (slots from a stored hash keep the log-in's cost)."""
    monkeypatch.setattr(keyring, "PARAMS", SlotParams(t=1, m=64, p=1))


def _ring() -> KeyRing:
    return KeyRing.create("双柏镇社工站", AT)


def _saved(ring: KeyRing, path: Path) -> KeyRing:
    ring.save(path)
    return KeyRing.load(path)


def test_new_slots_default_to_the_login_hashers_parameters() -> None:
    hasher = auth.HASHER
    assert DEFAULT_PARAMS == SlotParams(t=hasher.time_cost, m=hasher.memory_cost, p=hasher.parallelism)


def test_keyring_path_is_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "站 #1.db"
    assert keyring_path(db) == tmp_path / "站 #1.db.keyring"


def test_data_key_literal_and_size() -> None:
    key = DataKey.new()
    assert len(key.raw) == 32
    assert re.fullmatch(r"x'[0-9a-f]{64}'", key.sqlcipher_literal())
    assert key.sqlcipher_literal() == f"x'{key.raw.hex()}'"
    assert DataKey.new() != key
    assert DataKey(bytes(key.raw)) == key
    with pytest.raises(ValueError):
        DataKey(b"short")


def test_user_slot_round_trip_through_the_file(tmp_path: Path) -> None:
    ring, key = _ring(), DataKey.new()
    ring.set_user("Alice", PASSWORD, key)
    loaded = _saved(ring, tmp_path / "station.db.keyring")
    assert loaded.has_user("alice")
    assert loaded.unlock_user(" ALICE ", PASSWORD) == key
    # NFKC, as the log-in: the same password typed with full-width letters and digits
    assert loaded.unlock_user("alice", "Ｈｕｏ７ｓｈａｎ-Ｌｕ９") == key
    assert loaded.station_name == "双柏镇社工站"
    assert loaded.file_id == ring.file_id
    assert loaded.created_at == AT.isoformat()
    assert loaded.format == 1


def test_wrong_password_or_unknown_user_gives_none(tmp_path: Path) -> None:
    ring = _ring()
    ring.set_user("alice", PASSWORD, DataKey.new())
    loaded = _saved(ring, tmp_path / "k.keyring")
    assert loaded.unlock_user("alice", PASSWORD + "x") is None
    assert loaded.unlock_user("alice", "") is None
    assert loaded.unlock_user("bob", PASSWORD) is None
    assert not loaded.has_user("bob")


def test_unknown_user_costs_one_derivation_like_a_known_one(monkeypatch: pytest.MonkeyPatch) -> None:
    ring = _ring()
    ring.set_user("alice", PASSWORD, DataKey.new())
    calls: list[SlotParams] = []
    real = keyring._derive

    def counting(secret: bytes, salt: bytes, params: SlotParams) -> bytes:
        calls.append(params)
        return real(secret, salt, params)

    monkeypatch.setattr(keyring, "_derive", counting)
    assert ring.unlock_user("nobody", PASSWORD) is None
    assert calls == [keyring.PARAMS]
    assert ring.unlock_user("alice", "wrong-Pass1") is None
    assert len(calls) == 2


def test_set_user_replaces_the_slot_and_remove_user_drops_it() -> None:
    ring, key = _ring(), DataKey.new()
    ring.set_user("alice", PASSWORD, key)
    ring.set_user("Alice", "New-pass-77x", key)
    assert ring.unlock_user("alice", PASSWORD) is None
    assert ring.unlock_user("alice", "New-pass-77x") == key
    ring.set_user("bob", PASSWORD, key)
    ring.remove_user("ALICE")
    assert not ring.has_user("alice")
    assert ring.unlock_user("alice", "New-pass-77x") is None
    assert ring.unlock_user("bob", PASSWORD) == key


def test_recovery_round_trip_and_typing_variants(tmp_path: Path) -> None:
    ring, key = _ring(), DataKey.new()
    assert not ring.has_recovery()
    code = new_recovery_code()
    ring.set_recovery(code, key)
    loaded = _saved(ring, tmp_path / "k.keyring")
    assert loaded.has_recovery()
    assert loaded.unlock_recovery(code) == key
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    assert loaded.unlock_recovery(typed) == key


def test_wrong_or_malformed_recovery_code_gives_none() -> None:
    ring, key = _ring(), DataKey.new()
    assert ring.unlock_recovery(new_recovery_code()) is None  # no recovery slot yet
    old = new_recovery_code()
    ring.set_recovery(old, key)
    assert ring.unlock_recovery(new_recovery_code()) is None
    assert ring.unlock_recovery("not a code") is None
    new = new_recovery_code()
    ring.set_recovery(new, key)  # a new code: the old one stops working
    assert ring.unlock_recovery(old) is None
    assert ring.unlock_recovery(new) == key


def test_recovery_code_shape() -> None:
    code = new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 8
    for group in groups:
        assert len(group) == 5
        assert set(group) <= set(keyring.CROCKFORD)
    assert normalize_recovery_code(code) == code.replace("-", "")
    assert new_recovery_code() != code


@pytest.mark.parametrize("typed", [
    "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89ABC-DEFGH",
    "abcde fghjk mnpqr stvwx yz012 34567 89abc defgh",
    "ABCDEFGHJKMNPQRSTVWXYZ0123456789ABCDEFGH",
    "  abcde-fghjk-mnpqr-stvwx-yzO12-34567-89abc-defgh \n",
    "ＡＢＣＤＥ－ＦＧＨＪＫ　ＭＮＰＱＲ-STVWX-YZ0I2-34567-89ABC-DEFGH",
])
def test_normalize_recovery_code_accepts_typing_variants(typed: str) -> None:
    assert normalize_recovery_code(typed) == "ABCDEFGHJKMNPQRSTVWXYZ0123456789ABCDEFGH"


def test_normalize_recovery_code_maps_look_alikes() -> None:
    assert normalize_recovery_code("O" * 20 + "il" * 10) == "0" * 20 + "1" * 20


@pytest.mark.parametrize("typed", [
    "",
    "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89ABC-DEFG",     # 39
    "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89ABC-DEFGHJ",   # 41
    "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89ABC-DEFGU",    # U is not Crockford
    "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89ABC-DEFG#",
    "ABCDE_FGHJK_MNPQR_STVWX_YZ012_34567_89ABC_DEFGH",
])
def test_normalize_recovery_code_refuses_malformed_codes(typed: str) -> None:
    with pytest.raises(ValueError, match="恢复码"):
        normalize_recovery_code(typed)


def test_slot_moved_to_another_user_id_does_not_open(tmp_path: Path) -> None:
    path = tmp_path / "k.keyring"
    ring, key = _ring(), DataKey.new()
    ring.set_user("alice", PASSWORD, key)
    ring.set_user("bob", "Other-pass-9q", key)
    ring.save(path)
    record = json.loads(path.read_text(encoding="utf-8"))
    alice_id, bob_id = ring.user_slot_id("alice"), ring.user_slot_id("bob")
    record["slots"][bob_id] = record["slots"][alice_id]  # alice's slot filed as bob's
    path.write_text(json.dumps(record), encoding="utf-8")
    moved = KeyRing.load(path)
    assert moved.unlock_user("alice", PASSWORD) == key  # the edit itself kept a valid file
    assert moved.unlock_user("bob", PASSWORD) is None


def test_slot_moved_to_another_key_file_does_not_open(tmp_path: Path) -> None:
    first, second = tmp_path / "a.keyring", tmp_path / "b.keyring"
    key = DataKey.new()
    ring_a, ring_b = _ring(), _ring()
    ring_a.set_user("alice", PASSWORD, key)
    ring_b.set_user("bob", "Other-pass-9q", key)
    ring_a.save(first)
    ring_b.save(second)
    assert ring_a.file_id != ring_b.file_id
    assert ring_a.user_slot_id("alice") != ring_b.user_slot_id("alice")
    record_a = json.loads(first.read_text(encoding="utf-8"))
    record_b = json.loads(second.read_text(encoding="utf-8"))
    record_b["slots"][ring_b.user_slot_id("alice")] = record_a["slots"][ring_a.user_slot_id("alice")]
    second.write_text(json.dumps(record_b), encoding="utf-8")
    other = KeyRing.load(second)
    assert other.has_user("alice")
    assert other.unlock_user("alice", PASSWORD) is None
    assert other.unlock_user("bob", "Other-pass-9q") == key


def test_slot_from_the_login_hash_opens_with_that_password(tmp_path: Path) -> None:
    stored = auth.hash_password(PASSWORD)  # what the users table of a plain database holds
    ring, key = _ring(), DataKey.new()
    ring.set_user_from_hash("alice", stored, key)
    loaded = _saved(ring, tmp_path / "k.keyring")
    assert loaded.unlock_user("alice", PASSWORD) == key
    assert loaded.unlock_user("alice", "Ｈｕｏ７ｓｈａｎ-Ｌｕ９") == key
    assert loaded.unlock_user("alice", PASSWORD + "1") is None
    slot = json.loads((tmp_path / "k.keyring").read_text(encoding="utf-8"))["slots"][ring.user_slot_id("alice")]
    assert (slot["t"], slot["m"], slot["p"]) == (2, 19456, 1)
    salt_b64 = stored.split("$")[4]
    assert base64.b64decode(slot["salt"]) == base64.b64decode(salt_b64 + "=" * (-len(salt_b64) % 4))


@pytest.mark.parametrize("make", [
    lambda h: h.replace("$argon2id$", "$argon2i$"),
    lambda h: h.replace("$v=19$", "$v=16$"),
    lambda h: h.rsplit("$", 1)[0],                                  # no hash part
    lambda h: h + "$extra",
    lambda h: h.rsplit("$", 1)[0] + "$" + base64.b64encode(b"x" * 16).decode().rstrip("="),  # 16-byte hash
    lambda h: h.replace("m=19456", "m=0"),
    lambda h: "$2b$12$abcdefghijklmnopqrstuuJ6e5Vv6r0TQe5hJmKfnbVUiLzGFl1i2",  # bcrypt
    lambda h: "plain password",
])
def test_set_user_from_hash_refuses_other_hashes(make) -> None:
    stored = auth.hash_password(PASSWORD)
    with pytest.raises(ValueError):
        _ring().set_user_from_hash("alice", make(stored), DataKey.new())


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_save_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "station.db.keyring"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o644)
    _ring().save(path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_failed_save_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "station.db.keyring"
    ring, key = _ring(), DataKey.new()
    ring.set_user("alice", PASSWORD, key)
    ring.save(path)
    before = path.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    ring.set_user("alice", "New-pass-77x", key)
    monkeypatch.setattr(audit_key.os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        ring.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["station.db.keyring"]
    assert KeyRing.load(path).unlock_user("alice", PASSWORD) == key


def _chinese(exc: pytest.ExceptionInfo[KeyRingError], tmp_path: Path) -> str:
    message = exc.value.message
    assert re.search(r"[\u4e00-\u9fff]", message)
    assert "station.db.keyring" in message
    assert str(tmp_path) not in message  # the file by its name only
    return message


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyRingError) as exc:
        KeyRing.load(tmp_path / "station.db.keyring")
    assert "找不到" in _chinese(exc, tmp_path)


def _valid_record(tmp_path: Path) -> dict:
    ring = _ring()
    ring.set_user("alice", PASSWORD, DataKey.new())
    ring.note_failure("alice", AT)
    ring.save(tmp_path / "valid.keyring")
    return json.loads((tmp_path / "valid.keyring").read_text(encoding="utf-8"))


def _broken(tmp_path: Path, change) -> bytes:
    record = _valid_record(tmp_path)
    change(record)
    return json.dumps(record).encode()


@pytest.mark.parametrize("content", [
    lambda tmp: b"",
    lambda tmp: b"{not json",
    lambda tmp: b"\xff\xfe garbage",
    lambda tmp: b"[1, 2]",
    lambda tmp: b'{"format": 1}',
    lambda tmp: _broken(tmp, lambda r: r.pop("format")),
    lambda tmp: _broken(tmp, lambda r: r.update(format=0)),
    lambda tmp: _broken(tmp, lambda r: r.update(format="1")),
    lambda tmp: _broken(tmp, lambda r: r.update(file_id="xyz")),
    lambda tmp: _broken(tmp, lambda r: r.update(slots=[])),
    lambda tmp: _broken(tmp, lambda r: next(iter(r["slots"].values())).update(nonce="AAAA")),
    lambda tmp: _broken(tmp, lambda r: next(iter(r["slots"].values())).update(wrapped="!!!")),
    lambda tmp: _broken(tmp, lambda r: next(iter(r["slots"].values())).update(m=10 ** 12)),
    lambda tmp: _broken(tmp, lambda r: next(iter(r["slots"].values())).pop("salt")),
    lambda tmp: _broken(tmp, lambda r: r["slots"].update({"alice": next(iter(r["slots"].values()))})),
    lambda tmp: _broken(tmp, lambda r: r.update(failures={"unknown": ["yesterday"]})),
])
def test_load_broken_file(tmp_path: Path, content) -> None:
    path = tmp_path / "station.db.keyring"
    path.write_bytes(content(tmp_path))
    with pytest.raises(KeyRingError) as exc:
        KeyRing.load(path)
    assert "已损坏" in _chinese(exc, tmp_path)


def test_load_file_of_a_newer_program(tmp_path: Path) -> None:
    path = tmp_path / "station.db.keyring"
    path.write_bytes(_broken(tmp_path, lambda r: r.update(format=2)))
    with pytest.raises(KeyRingError) as exc:
        KeyRing.load(path)
    message = _chinese(exc, tmp_path)
    assert "更新版本" in message and "升级" in message


def test_load_unreadable_file(tmp_path: Path, monkeypatch) -> None:
    """A key file the operating system will not let this account read (root reads anything, so the
    refusal is made by the read itself rather than by the file's mode)."""
    path = tmp_path / "station.db.keyring"
    _ring().save(path)
    real_read = Path.read_bytes

    def refused(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: refused(self).decode())
    with pytest.raises(KeyRingError) as exc:
        KeyRing.load(path)
    assert "无法读取" in _chinese(exc, tmp_path)


def test_file_names_no_user_and_holds_no_key_bytes(tmp_path: Path) -> None:
    path = tmp_path / "station.db.keyring"
    ring, key = _ring(), DataKey.new()
    ring.set_user("alice", PASSWORD, key)
    ring.set_user(CHINESE_USER, PASSWORD, key)
    ring.set_user_from_hash("carol", auth.hash_password(PASSWORD), key)
    code = new_recovery_code()
    ring.set_recovery(code, key)
    ring.note_failure("alice", AT)
    ring.save(path)
    data = path.read_bytes()
    record = json.loads(data.decode("utf-8"))
    assert set(record) == {"format", "file_id", "station_name", "created_at", "slots", "failures"}
    assert len(record["slots"]) == 4
    lowered = data.lower()
    for secret in ("alice", "carol", CHINESE_USER, PASSWORD, code, code.replace("-", "")):
        assert secret.lower().encode("utf-8") not in lowered
    for encoded in (key.raw, key.raw.hex().encode(), base64.b64encode(key.raw), base64.b64encode(key.raw)[:40],
                    key.raw.hex().upper().encode()):
        assert encoded not in data
    for text in (repr(key), str(key), repr(ring), f"{key}"):
        assert key.raw.hex() not in text.lower()
        assert str(key.raw) not in text
    assert "<hidden>" in repr(key)


def test_failures_noted_taken_and_kept_in_the_file(tmp_path: Path) -> None:
    ring = _ring()
    ring.set_user("alice", PASSWORD, DataKey.new())
    ring.note_failure("Alice", AT)
    ring.note_failure("alice", AT + timedelta(minutes=1))
    ring.note_failure("mallory", AT + timedelta(minutes=2))  # no such user
    ring.note_failure(None, AT + timedelta(minutes=3))
    loaded = _saved(ring, tmp_path / "k.keyring")
    record = json.loads((tmp_path / "k.keyring").read_text(encoding="utf-8"))
    assert set(record["failures"]) == {ring.user_slot_id("alice"), "unknown"}
    assert loaded.take_failures("alice") == [AT, AT + timedelta(minutes=1)]
    assert loaded.take_failures("alice") == []
    assert loaded.take_failures(None) == [AT + timedelta(minutes=2), AT + timedelta(minutes=3)]
    assert loaded.take_failures("mallory") == []
    again = _saved(loaded, tmp_path / "k.keyring")
    assert again.take_failures("alice") == []
    assert json.loads((tmp_path / "k.keyring").read_text(encoding="utf-8"))["failures"] == {}


def test_failures_keep_the_newest_twenty_per_slot() -> None:
    ring = _ring()
    ring.set_user("alice", PASSWORD, DataKey.new())
    times = [AT + timedelta(seconds=i) for i in range(25)]
    for at in times:
        ring.note_failure("alice", at)
        ring.note_failure(None, at)
    assert ring.take_failures("alice") == times[-20:]
    assert ring.take_failures(None) == times[-20:]


def test_remove_user_forgets_their_failures() -> None:
    ring = _ring()
    ring.set_user("alice", PASSWORD, DataKey.new())
    ring.note_failure("alice", AT)
    ring.remove_user("alice")
    ring.set_user("alice", PASSWORD, DataKey.new())
    assert ring.take_failures("alice") == []


def test_copy_to_writes_the_same_ring_elsewhere(tmp_path: Path) -> None:
    ring, key = _ring(), DataKey.new()
    ring.set_user("alice", PASSWORD, key)
    ring.save(tmp_path / "station.db.keyring")
    backup = tmp_path / "backups" / "station-2024-05-06.db.keyring"
    backup.parent.mkdir()
    ring.copy_to(backup)
    copy = KeyRing.load(backup)
    assert copy.file_id == ring.file_id
    assert copy.unlock_user("alice", PASSWORD) == key
    if os.name == "posix":
        assert backup.stat().st_mode & 0o777 == 0o600


def test_a_password_change_keeps_the_previous_slot_until_settled(tmp_path):
    """A change written to the key file before the database commits it: both passwords open the key
    until the log-in settles on the one the database accepted; the other is then gone."""
    key = keyring.DataKey.new()
    ring = keyring.KeyRing.create("站", datetime(2026, 12, 6, 9, 0))
    ring.set_user("li", "Old-pass-2026", key)
    ring.set_user("li", "New-pass-2026", key, keep_previous=True)
    path = tmp_path / "station.db.keyring"
    ring.save(path)
    ring = keyring.KeyRing.load(path)
    assert ring.unlock_user("li", "Old-pass-2026") == key
    assert ring.unlock_user("li", "New-pass-2026") == key
    assert ring.settle_user("li", "Old-pass-2026")  # the database kept the old one (the change rolled back)
    assert ring.unlock_user("li", "Old-pass-2026") == key
    assert ring.unlock_user("li", "New-pass-2026") is None
    assert not ring.settle_user("li", "Old-pass-2026")
    ring.set_user("li", "New-pass-2026", key, keep_previous=True)
    assert ring.settle_user("li", "New-pass-2026")
    assert ring.unlock_user("li", "Old-pass-2026") is None
    assert ring.unlock_user("li", "New-pass-2026") == key
