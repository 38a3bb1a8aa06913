"""Fast checks of installer/ (no bundle is built): the PyInstaller spec, the .deb metadata and
desktop entry, the Inno Setup script and the Windows build script."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import shuanbai_desktop

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "shuanbai.spec"
ISS = INSTALLER / "windows" / "shuanbai.iss"
PS1 = INSTALLER / "windows" / "build.ps1"
DESKTOP = INSTALLER / "linux" / "shuanbai-desktop.desktop"
LAUNCHER = INSTALLER / "linux" / "shuanbai-desktop.sh"

# research/spike.md §0: what PySide6 needs from the system (offscreen + xcb).
SPIKE_QT_PACKAGES = ["libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3", "libglib2.0-0",
                     "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
                     "libxcb-render-util0", "libxcb-shape0"]


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("shuanbai_installer_build", INSTALLER / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _spec_constants() -> dict[str, object]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), str(SPEC))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


# ---------------------------------------------------------------- PyInstaller spec

def test_spec_is_python_and_its_paths_exist():
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    c = _spec_constants()
    assert c["APP_NAME"] == "shuanbai-desktop"
    assert c["DATA_DIRS"] == ["resources", "database"]  # the names paths.install_root() expects
    for rel in [c["ENTRY_SCRIPT"], c["WINDOWS_ICON"], *c["DATA_DIRS"], *c["MIGRATION_SOURCES"]]:
        assert (ROOT / rel).exists(), rel
    assert (ROOT / "database" / "env.py").is_file() and list((ROOT / "database" / "versions").glob("*.py"))


def test_spec_entry_script_runs_the_package_main(monkeypatch):
    """Run as the bundle runs it: the package's main() gets the arguments and its code is the exit code."""
    import runpy

    import shuanbai_desktop.__main__ as package_main
    seen = []
    monkeypatch.setattr(package_main, "main", lambda: seen.append(sys.argv[1:]) or 3)
    monkeypatch.setattr(sys, "argv", ["shuanbai-desktop", "verify"])
    with pytest.raises(SystemExit) as stopped:
        runpy.run_path(str(ROOT / _spec_constants()["ENTRY_SCRIPT"]), run_name="__main__")
    assert stopped.value.code == 3 and seen == [["verify"]]


def _package_files(package: str, subdir: str = "") -> tuple[Path, list[Path]]:
    spec = importlib.util.find_spec(package)
    root = Path(next(iter(spec.submodule_search_locations)))
    return root.parent, sorted(p for p in (root / subdir).rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _collect_submodules(package: str, filter=None) -> list[str]:
    """Stand-in for PyInstaller's: the package and every module file under it."""
    _site, files = _package_files(package)
    names = [package]
    for f in files:
        if f.suffix != ".py":
            continue
        parts = f.relative_to(_site).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [n for n in names if filter is None or filter(n)]


def _collect_data_files(package: str, subdir: str = "", excludes=None) -> list[tuple[str, str]]:
    """Stand-in for PyInstaller's: every non-Python file of the package, placed under its own folder."""
    site, files = _package_files(package, subdir or "")
    return [(str(f), str(f.parent.relative_to(site))) for f in files if f.suffix not in {".py", ".pyc"}]


def _run_spec(monkeypatch, binaries: list[tuple[str, str, str]], datas: list[tuple[str, str, str]]) -> dict:
    """Execute the spec as PyInstaller does, with its build steps recording what they are given:
    ``analysis`` (keyword arguments of Analysis) and ``collect`` (binaries, datas of the bundle).
    ``binaries``/``datas`` stand for what Analysis would find (dest, source, type)."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = _collect_submodules
    hooks.collect_data_files = _collect_data_files
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec puts the checkout first
    made: dict = {}

    class Analysis:
        def __init__(self, scripts, **options):
            made["analysis"] = options
            self.scripts, self.pure = [], []
            self.binaries = list(binaries)
            self.datas = [(str(Path(folder) / Path(src).name), src, "DATA") for src, folder in options["datas"]]
            self.datas += datas

    def collect(*parts, **options):
        made["collect"] = {"binaries": parts[-2], "datas": parts[-1]}

    namespace = {"SPECPATH": str(INSTALLER), "__name__": "__main__", "__file__": str(SPEC), "Analysis": Analysis,
                 "PYZ": lambda pure: object(), "EXE": lambda *a, **k: object(), "COLLECT": collect}
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return made


def _modules_under(folder: Path, package: str) -> list[str]:
    """What ``pkgutil.iter_modules`` finds in a package and its subpackages (nothing imported)."""
    names = []
    for module in pkgutil.iter_modules([str(folder)], package + "."):
        names.append(module.name)
        if module.ispkg:
            names += _modules_under(folder / module.name.rsplit(".", 1)[1], module.name)
    return names


def _program_qt_modules() -> set[str]:
    """The PySide6 modules the program's own files import (``from PySide6.X import`` / ``import PySide6.X``)."""
    found = set()
    for f in (ROOT / "shuanbai_desktop").rglob("*.py"):
        found.update(re.findall(r"^\s*(?:from|import) (PySide6\.\w+)", f.read_text(encoding="utf-8"), re.M))
    return found


def test_spec_bundles_what_is_imported_or_read_at_run_time(monkeypatch):
    made = _run_spec(monkeypatch, [], [])
    options = made["analysis"]
    hidden = set(options["hiddenimports"])
    # modules the program imports by name at run time (pkgutil over data.models and services)
    for package in ("shuanbai_desktop.data.models", "shuanbai_desktop.services"):
        for name in _modules_under(ROOT / package.replace(".", "/"), package):
            assert name in hidden, name
    assert {"_argon2_cffi_bindings", "chinese_calendar", "stdnum.cn.ric"} <= hidden
    # the migrations (loaded from files) and resources land where paths.install_root() looks
    bundled = {(Path(src).resolve(), folder) for src, folder in options["datas"]}
    for f in [*(ROOT / "database").rglob("*.py"), *(ROOT / "resources").rglob("*")]:
        if f.is_file() and "__pycache__" not in f.parts:
            assert (f.resolve(), str(f.parent.relative_to(ROOT))) in bundled, f
    # package data read at run time: ID-number regions, pinyin dictionaries, PDF fonts
    folders = {folder.replace("\\", "/") for _src, folder in options["datas"]}
    assert {"stdnum/cn", "reportlab/fonts"} <= folders and any(f.startswith("pypinyin") for f in folders)
    # Qt: nothing the program imports is excluded; the big unused parts are
    excluded = set(options["excludes"])
    used = _program_qt_modules()
    assert {"PySide6.QtCore", "PySide6.QtWidgets"} <= used and not used & excluded
    assert {"PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.Qt3DCore"} <= excluded


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("readelf") is None,
                    reason="the Linux pruning step reads ELF headers with readelf")
def test_spec_drops_unused_qt_parts_and_system_libraries_from_the_bundle(monkeypatch, tmp_path):
    plugin = "PySide6/Qt/plugins/platforms/libqxcb.so"
    translations = "PySide6/Qt/translations/"
    made = _run_spec(
        monkeypatch,
        binaries=[(plugin, str(tmp_path / "a"), "BINARY"), ("PySide6/Qt/plugins/platformthemes/libqgtk3.so",
                                                            str(tmp_path / "b"), "BINARY"),
                  ("libQt6Qml.so.6", str(tmp_path / "c"), "BINARY"), ("libstdc++.so.6", str(tmp_path / "d"), "BINARY"),
                  ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", str(tmp_path / "e"), "BINARY")],
        datas=[(translations + "qtbase_zh_CN.qm", "x", "DATA"), (translations + "qtbase_de.qm", "x", "DATA"),
               ("PySide6/QtCore.pyi", "x", "DATA")])
    kept_binaries = [t[0] for t in made["collect"]["binaries"]]
    kept_datas = {t[0] for t in made["collect"]["datas"]}
    assert kept_binaries == [plugin]
    assert translations + "qtbase_zh_CN.qm" in kept_datas
    assert translations + "qtbase_de.qm" not in kept_datas and "PySide6/QtCore.pyi" not in kept_datas
    assert "resources/fonts" in {str(Path(d).parent) for d in kept_datas}


def test_spec_takes_the_version_from_the_package_only():
    text = SPEC.read_text(encoding="utf-8")
    assert "from shuanbai_desktop import __version__" in text
    assert not re.search(r"""["']\d+\.\d+\.\d+["']""", text), "a hard-coded version number in the spec"


def test_every_migration_import_is_importable(build):
    """The spec turns env.py's and the migrations' imports into hidden imports; they must exist."""
    names = set()
    for f in [ROOT / "database/env.py", *sorted((ROOT / "database/versions").glob("*.py"))]:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    for name in sorted(names):
        assert importlib.util.find_spec(name) is not None, name


# ---------------------------------------------------------------- .deb

def test_deb_control_version_and_depends(build):
    version = shuanbai_desktop.__version__
    text = build.deb_control(version, "amd64", 123456)
    fields = dict(line.split(": ", 1) for line in text.splitlines() if line and not line.startswith(" "))
    assert fields["Package"] == "shuanbai-desktop"
    assert fields["Version"] == build.deb_version(version)
    assert fields["Architecture"] == "amd64" and fields["Installed-Size"] == "123456"
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert "libc6 (>= 2.34)" in depends
    names = build.depends_package_names(depends)
    for package in SPIKE_QT_PACKAGES:
        assert package in names, package
    assert text.endswith("\n") and "\n\n" not in text
    assert all(line.startswith(" ") for line in text.split("Description:", 1)[1].splitlines()[1:])


def test_glibc_floor_is_never_below_pyside6s_and_follows_the_bundle(build):
    assert build.glibc_floor([]) == "2.34"                     # PySide6 wheels: manylinux_2_34
    assert build.glibc_floor(["2.17", "2.28", "2.4"]) == "2.34"
    assert build.glibc_floor(["2.4", "2.35", "2.9"]) == "2.35"  # numeric, not string order
    text = build.deb_control(shuanbai_desktop.__version__, glibc="2.36")
    assert "Depends: libc6 (>= 2.36), " in text and "glibc 2.36" in text


def test_deb_version_follows_the_package_version(build):
    assert build.deb_version(shuanbai_desktop.__version__) == shuanbai_desktop.__version__ \
        or not re.fullmatch(r"\d+(\.\d+)*", shuanbai_desktop.__version__)
    assert build.deb_version("1.2.0rc1") == "1.2.0~rc1"
    assert build.deb_version("1.2.0.dev3") == "1.2.0~dev3"
    assert build.deb_version("1.2.0.post1") == "1.2.0+post1"
    assert build.windows_version("1.2") == "1.2.0.0"
    if shutil.which("dpkg"):  # pre-releases sort before the release
        assert subprocess.run(["dpkg", "--compare-versions", "1.2.0~rc1", "lt", "1.2.0"]).returncode == 0


def test_desktop_entry_keys():
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(DESKTOP, encoding="utf-8")
    entry = cp["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "社工站工作平台"
    assert "Office" in entry["Categories"].rstrip(";").split(";")
    assert entry["Categories"].endswith(";")
    assert entry["Icon"] == "shuanbai-desktop"
    assert entry["Exec"].split()[0] in ("shuanbai-desktop", "/usr/bin/shuanbai-desktop")
    assert entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == "shuanbai-desktop"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate not installed (apt-get install desktop-file-utils); "
                           "the keys are still checked by test_desktop_entry_keys")
def test_desktop_entry_validates():
    r = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_launcher_starts_the_bundle_in_opt_with_the_arguments_as_given(build, tmp_path):
    """The launcher, with the bundle folder moved into tmp_path, runs a stand-in that prints what it got."""
    text = LAUNCHER.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n") and build.INSTALL_DIR in text
    bundle = tmp_path / "opt" / build.APP_ID
    bundle.mkdir(parents=True)
    app = bundle / build.APP_ID
    app.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s|" "$a"; done; echo "IM=${QT_IM_MODULES:-}"\n',
                   encoding="utf-8")
    app.chmod(0o755)
    launcher = tmp_path / "shuanbai-desktop"
    launcher.write_text(text.replace(build.INSTALL_DIR, str(bundle)), encoding="utf-8")

    def run(*args: str, **env: str) -> str:
        plain = {"PATH": os.environ["PATH"], **env}
        return subprocess.run(["sh", str(launcher), *args], env=plain, capture_output=True, text=True,
                              check=True, timeout=30).stdout

    assert run("--db", "我的 数据.db", "") == "--db|我的 数据.db||IM=\n"
    assert run(QT_IM_MODULE="fcitx") == "IM=fcitx;ibus\n"  # fcitx5 also answers as ibus
    assert run(QT_IM_MODULE="ibus") == "IM=\n"
    assert run(QT_IM_MODULE="fcitx", QT_IM_MODULES="wayland") == "IM=wayland\n"


def test_icons_exist():
    svg = ET.parse(INSTALLER / "shuanbai-desktop.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 256 256"
    ico = (INSTALLER / "windows" / "shuanbai.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") >= 4  # ICO with ≥ 4 sizes


# ---------------------------------------------------------------- Windows

def _iss() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def _iss_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"\[\w+\]", stripped):
            current = stripped[1:-1]
            sections[current] = []
        elif stripped and not stripped.startswith(";") and current:
            sections[current].append(stripped)
    return sections


def test_iss_has_a_fixed_appid_and_takes_the_version_from_build_py():
    text = _iss()
    assert re.search(r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}\r?$", text, re.M)
    assert re.search(r"^AppVersion=\{#AppVersion\}\r?$", text, re.M)
    assert "#error" in text.split("#ifndef AppVersion", 1)[1].split("#endif", 1)[0]
    assert not re.search(r"\b\d+\.\d+\.\d+\b(?!\.)", text.replace("10.0.17763", "")), "hard-coded version"


def test_iss_install_modes_shortcuts_and_language():
    setup = dict(line.split("=", 1) for line in _iss_sections(_iss())["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["PrivilegesRequiredOverridesAllowed"] == "dialog"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["MinVersion"] == "10.0.17763" and "x64" in setup["ArchitecturesAllowed"]
    sections = _iss_sections(_iss())
    assert any(line.startswith('Name: "{autoprograms}') for line in sections["Icons"])
    assert any(line.startswith('Name: "{autodesktop}') and "Tasks: desktopicon" in line for line in sections["Icons"])
    assert any("ChineseIsl" in line for line in sections["Languages"])
    assert 'ChineseSimplified.isl' in _iss()


def test_iss_referenced_files_exist():
    text = _iss()
    setup = dict(line.split("=", 1) for line in _iss_sections(text)["Setup"])
    assert (ISS.parent / setup["SetupIconFile"]).is_file()
    # every plain relative path in a Source:/File= value (no {#define}, no compiler: prefix)
    for m in re.finditer(r'(?:Source|MessagesFile|LicenseFile|InfoBeforeFile): "([^"{]+)"', text):
        if not m.group(1).startswith("compiler:"):
            assert (ISS.parent / m.group(1)).exists(), m.group(1)
    bundle_default = re.search(r'#define BundleDir "([^"]+)"', text).group(1).replace("\\", "/")
    assert (ISS.parent / bundle_default).resolve() == ROOT / "dist" / "shuanbai-desktop"
    assert re.search(r'^Source: "\{#BundleDir\}\\\*"', text, re.M)


def test_iss_uninstall_keeps_the_data_folder():
    sections = _iss_sections(_iss())
    assert "UninstallDelete" in sections
    for section in ("UninstallDelete", "InstallDelete"):
        for line in sections.get(section, []):
            name = re.search(r'Name: "([^"]+)"', line).group(1)
            assert name.startswith("{app}"), line
            assert not re.search(r"appdata|localappdata|userdocs|\.db|backups", name, re.I), line


def test_platformdirs_data_folder_matches_the_iss_note(monkeypatch):
    """%LOCALAPPDATA%\\shuanbai-desktop is what platformdirs gives on Windows (not roaming, no author)."""
    from platformdirs import windows

    from shuanbai_desktop import APP_ID

    folders = {"CSIDL_LOCAL_APPDATA": "C:\\Users\\zhang\\AppData\\Local",
               "CSIDL_APPDATA": "C:\\Users\\zhang\\AppData\\Roaming"}
    monkeypatch.setattr(windows, "get_win_folder", folders.__getitem__)
    data = windows.Windows(APP_ID, appauthor=False).user_data_dir.replace("/", "\\")
    assert data == "C:\\Users\\zhang\\AppData\\Local\\" + APP_ID
    assert f"%LOCALAPPDATA%\\{APP_ID}" in _iss()


def test_build_ps1_runs_build_py_windows():
    text = PS1.read_text(encoding="utf-8-sig")
    assert "installer\\build.py" in text and '"windows"' in text
    assert "ChineseSimplified.isl" in text and "pyinstaller" in text.lower()
    assert (ROOT / "installer" / "build.py").is_file()


def test_windows_command_prints_steps_off_windows(build, capsys):
    if sys.platform == "win32":
        pytest.skip("on Windows `build.py windows` really builds")
    assert build.main(["windows"]) == 0
    out = capsys.readouterr().out
    assert "build.ps1" in out and "ISCC" in out and "ChineseSimplified.isl" in out



def test_deb_recommends_a_font_for_ext_b_name_characters(build):
    assert "Recommends: fonts-hanazono" in build.deb_control("0.1.0")


# ---------------------------------------------------------------- what the Linux build needs from apt

def test_apt_packages_command_lists_the_tools_and_every_depends_package():
    """`bash .ci/dev build` installs what this prints; the library audit needs every Depends package."""
    r = subprocess.run([sys.executable, str(INSTALLER / "build.py"), "apt-packages"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    entries = r.stdout.split()
    listed = {alt for entry in entries for alt in entry.split("|")}
    for tool in ("dpkg-dev", "binutils", "xvfb", "xauth", "xdotool", "desktop-file-utils"):
        assert tool in listed, tool
    assert "libcups2t64|libcups2" in entries  # Debian 13 / Ubuntu 24.04 name first, then Debian 12's
    spec = importlib.util.spec_from_file_location("shuanbai_installer_build_deps", INSTALLER / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        assert module.depends_package_names() - {"libc6"} <= listed
    finally:
        sys.modules.pop(spec.name, None)


def test_libpython_package_only_for_a_distribution_python_without_its_shared_library(build, tmp_path):
    missing = tmp_path / "libpython3.11.so.1.0"
    assert build.libpython_package("/usr", (3, 11, 2), missing) == "libpython3.11"
    missing.write_bytes(b"")
    assert build.libpython_package("/usr", (3, 11, 2), missing) is None
    assert build.libpython_package("/root/.pyenv/versions/3.11.7", (3, 11, 7), tmp_path / "none.so") is None


# ---------------------------------------------------------------- .ci/dev (the README's set-up)

STUB_PYTHON = r"""#!/bin/bash
# stand-in for python: logs its arguments; "-m venv DIR" makes a venv of this stub (with pip unless
# --without-pip); "-m pip" fails like CPython's "No module named pip" when the venv has none
echo "$0 $*" >> "$STUB_LOG"
case "$1" in
  -c) exit "${STUB_TOO_OLD:-0}" ;;
  --version) echo "Python 3.11.99"; exit 0 ;;
  -m)
    case "$2" in
      venv)
        dir="${@: -1}"; mkdir -p "$dir/bin"; cp "$0" "$dir/bin/python"
        case " $* " in *" --without-pip "*) ;; *) touch "$dir/pip-ok" ;; esac
        exit 0 ;;
      pip)
        [ -f "$(dirname "$0")/../pip-ok" ] && exit 0
        echo "$0: No module named pip" >&2; exit 1 ;;
      pytest) echo "STUB-PYTEST"; exit 0 ;;
    esac ;;
esac
exit 0
"""


def _dev_sandbox(tmp_path: Path, python_too_old: bool = False) -> tuple[Path, dict[str, str]]:
    """A checkout with .ci/dev and pyproject.toml only; PATH has a stub python3 and basic tools but
    no apt or dpkg (so nothing is installed system-wide and no network is used)."""
    checkout = tmp_path / "checkout"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "dev", checkout / ".ci" / "dev")
    (checkout / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "rm", "touch", "readlink", "mkdir", "cp", "grep", "awk", "id", "cat", "env"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    python3 = bin_dir / "python3"
    python3.write_text(STUB_PYTHON, encoding="utf-8")
    python3.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "LANG": "C.UTF-8", "STUB_LOG": str(tmp_path / "log")}
    if python_too_old:
        env["STUB_TOO_OLD"] = "1"
    return checkout, env


def _dev(checkout: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(checkout / ".ci" / "dev"), *args], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=60)


def test_ci_dev_rebuilds_a_venv_left_without_pip_then_reruns_without_installing(tmp_path):
    checkout, env = _dev_sandbox(tmp_path)
    made = subprocess.run([str(tmp_path / "bin" / "python3"), "-m", "venv", "--without-pip",
                           str(checkout / ".venv")], env=env)
    assert made.returncode == 0 and (checkout / ".venv" / "bin" / "python").exists()

    r = _dev(checkout, env, "test", "-q")
    assert r.returncode == 0, r.stderr
    assert "STUB-PYTEST" in r.stdout
    assert "没有 pip" in r.stdout and "no pip" in r.stdout
    assert (checkout / ".venv" / "pip-ok").exists() and (checkout / ".venv" / ".installed").exists()
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "-m pip install -q -e .[test]" in log

    (tmp_path / "log").write_text("", encoding="utf-8")
    r = _dev(checkout, env, "test", "-q")
    assert r.returncode == 0, r.stderr
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "pip install" not in log and "-m venv" not in log  # everything there: only checks
    assert "STUB-PYTEST" in r.stdout


def test_ci_dev_rebuilds_a_venv_whose_python_is_gone(tmp_path):
    checkout, env = _dev_sandbox(tmp_path)
    (checkout / ".venv" / "bin").mkdir(parents=True)
    (checkout / ".venv" / "bin" / "python").symlink_to(tmp_path / "removed-python3.11")
    (checkout / ".venv" / ".installed").touch()  # even a stamp from a finished install

    r = _dev(checkout, env, "test")
    assert r.returncode == 0, r.stderr
    assert "重建" in r.stdout and (checkout / ".venv" / "pip-ok").exists()
    assert "STUB-PYTEST" in r.stdout


def test_ci_dev_without_a_new_enough_python_says_what_to_install(tmp_path):
    checkout, env = _dev_sandbox(tmp_path, python_too_old=True)
    r = _dev(checkout, env, "test")
    assert r.returncode == 1
    assert "需要 Python 3.11 或更新版本" in r.stderr and "Python 3.11 or newer is needed" in r.stderr
    assert "python3.11-venv" in r.stderr
    assert not (checkout / ".venv").exists()
