"""The .deb's maintainer scripts (issue 19): postinst makes the group ``shuanbai`` and the shared data
folder (root:shuanbai, 2770), idempotently; postrm's purge removes the folder only when it is empty.
Run for real in a DPKG_ROOT with the system commands that touch the machine (getent, addgroup, chown,
dpkg-statoverride) replaced by stubs that note their arguments. The Windows installer's folder is
checked in its script's text (it can only run on Windows)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installer" / "linux"
ISS = ROOT / "installer" / "windows" / "shuanbai.iss"

STUBS = {
    "getent": '[ -e "$STUB_DIR/group-made" ] || exit 2\necho "shuanbai:x:999:"',
    "addgroup": 'echo "addgroup $*" >> "$STUB_DIR/calls"; touch "$STUB_DIR/group-made"',
    "groupadd": 'echo "groupadd $*" >> "$STUB_DIR/calls"; touch "$STUB_DIR/group-made"',
    "chown": 'echo "chown $*" >> "$STUB_DIR/calls"',
    "dpkg-statoverride": "exit 1",
}


@pytest.fixture
def machine(tmp_path):
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, body in STUBS.items():
        (stubs / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (stubs / name).chmod(0o755)
    root = tmp_path / "root"
    root.mkdir()
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}", "STUB_DIR": str(stubs), "DPKG_ROOT": str(root)}

    def run(script: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["sh", str(LINUX / script), *args], env=env, capture_output=True, text=True, timeout=30)

    run.calls = lambda: (stubs / "calls").read_text(encoding="utf-8").splitlines() if (stubs / "calls").exists() else []
    run.folder = root / "var/lib/shuanbai-desktop"
    return run


def test_scripts_are_executable_shell_the_deb_carries(tmp_path):
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location("shuanbai_installer_build_o", ROOT / "installer" / "build.py")
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build
    try:
        spec.loader.exec_module(build)
        assert [p.name for p in build.MAINTAINER_SCRIPTS] == ["postinst", "postrm"]
        assert build.MACHINE_DIR == Path("/var/lib/shuanbai-desktop") and build.MACHINE_GROUP == "shuanbai"
        assert "/var/lib/shuanbai-desktop" in build.deb_control("0.1.0")
    finally:
        sys.modules.pop(spec.name, None)
    for script in (LINUX / "postinst", LINUX / "postrm"):
        assert script.stat().st_mode & stat.S_IXUSR
        assert script.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
        assert subprocess.run(["sh", "-n", str(script)]).returncode == 0


def test_postinst_makes_the_group_and_the_folder_once(machine):
    first = machine("postinst", "configure", "")
    assert first.returncode == 0, first.stderr
    assert machine.calls() == ["addgroup --quiet --system shuanbai", f"chown root:shuanbai {machine.folder}"]
    assert stat.S_IMODE(machine.folder.stat().st_mode) == 0o2770
    assert "sudo usermod -aG shuanbai" in first.stdout

    (machine.folder / "station.db").write_bytes(b"data")
    os.chmod(machine.folder, 0o755)  # drifted: the next configure puts it right, and makes no second group
    again = machine("postinst", "configure", "0.1.0")
    assert again.returncode == 0, again.stderr
    assert [c for c in machine.calls() if c.startswith(("addgroup", "groupadd"))] == ["addgroup --quiet --system shuanbai"]
    assert stat.S_IMODE(machine.folder.stat().st_mode) == 0o2770
    assert (machine.folder / "station.db").read_bytes() == b"data" and again.stdout == ""


def test_purge_removes_the_folder_only_when_empty(machine):
    assert machine("postinst", "configure", "").returncode == 0
    (machine.folder / "station.db").write_bytes(b"data")
    kept = machine("postrm", "purge")
    assert kept.returncode == 0 and (machine.folder / "station.db").is_file()
    assert "已保留" in kept.stdout
    (machine.folder / "station.db").unlink()
    assert machine("postrm", "remove").returncode == 0 and machine.folder.is_dir()  # remove keeps it
    assert machine("postrm", "purge").returncode == 0 and not machine.folder.exists()
    assert machine("postrm", "purge").returncode == 0  # purged twice: nothing to do


def test_windows_installer_makes_the_shared_folder_with_modify_rights_for_users():
    text = ISS.read_text(encoding="utf-8-sig")
    dirs = re.search(r"^\[Dirs\]\s*$(.*?)^\[", text, re.M | re.S)
    assert dirs is not None, "no [Dirs] section"
    line = next(x for x in dirs.group(1).splitlines() if "{commonappdata}" in x)
    assert '"{commonappdata}\\{#AppDirName}"' in line and '#define AppDirName "shuanbai-desktop"' in text
    assert "Permissions: users-modify" in line and "uninsneveruninstall" in line
    assert "Check: IsAdminInstallMode" in line  # setting the folder's rights needs the administrator
