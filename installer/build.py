#!/usr/bin/env python3
"""Build the installable packages of 社工站工作平台 (shuanbai-desktop).

    python installer/build.py linux            bundle (PyInstaller) + .deb in dist/ + smoke checks
    python installer/build.py windows          on Windows: bundle + installer (.exe) in dist/;
                                               elsewhere: prints the Windows-only steps
    python installer/build.py check-installed  after `apt-get install ./dist/*.deb`: starts the
                                               installed app from its menu entry, as a plain user
    python installer/build.py icons            re-renders installer/windows/shuanbai.ico from the SVG
    python installer/build.py version          prints shuanbai_desktop.__version__
    python installer/build.py apt-packages     prints the apt packages the linux build needs

Run it with the project's virtual environment (PySide6, PyInstaller and the app's dependencies
installed). Every failure exits non-zero. The version comes only from shuanbai_desktop.__version__.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "shuanbai.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
DEB_STAGING = ROOT / "build" / "deb"

APP_ID = "shuanbai-desktop"            # package, bundle, executable, icon and desktop-entry name
APP_NAME = "社工站工作平台"
INSTALL_DIR = "/opt/" + APP_ID
LINUX_FILES = INSTALLER / "linux"
DESKTOP_FILE = LINUX_FILES / (APP_ID + ".desktop")
LAUNCHER_FILE = LINUX_FILES / (APP_ID + ".sh")
MAINTAINER_SCRIPTS = (LINUX_FILES / "postinst", LINUX_FILES / "postrm")  # the group and the shared folder
MACHINE_DIR = Path("/var/lib") / APP_ID  # the data folder every account of the PC shares (postinst)
MACHINE_GROUP = "shuanbai"
ICON_SVG = INSTALLER / (APP_ID + ".svg")
ICON_PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
WINDOWS_ICO = INSTALLER / "windows" / "shuanbai.ico"
ISS_FILE = INSTALLER / "windows" / "shuanbai.iss"

# The Qt runtime libraries (research/spike.md §0: offscreen + xcb lists) plus what the bundle's own
# libraries need from the system (checked at every build by audit_system_libraries()). The names
# before "|" are the Debian 13 / Ubuntu 24.04 64-bit-time_t names of the same libraries.
# libc6 comes first, with the floor computed from the bundle (glibc_floor()): never below 2.34
# (PySide6 wheels are manylinux_2_34), higher when the build host's libraries need more.
GLIBC_MIN = "2.34"
DEB_DEPENDS = [
    "libgcc-s1",
    "libstdc++6",
    "libglib2.0-0t64 | libglib2.0-0",
    "libdbus-1-3",
    "libfontconfig1",
    "libfreetype6",
    "libgl1",
    "libegl1",
    "libx11-6",
    "libx11-xcb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-glx0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libcups2t64 | libcups2",          # Qt's CUPS print plugin (printing reports)
]
# The app ships and registers its own CJK fonts (resources/fonts); fonts-hanazono is only recommended
# for Ext-B name characters (𠮷), which no shipped font has.
DEB_MAINTAINER = "社工站工作平台 <shuanbai-desktop@localhost>"
SMOKE_MARK = "SMOKE-TEST OK"
WINDOW_TITLES = r"设立社工站|登录"     # set-up wizard or log-in dialog
GUI_TIMEOUT_S = 60


class BuildError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# version and package metadata (pure functions, tested in tests/installer/)

def app_version() -> str:
    sys.path.insert(0, str(ROOT))
    try:
        from shuanbai_desktop import __version__
    finally:
        sys.path.remove(str(ROOT))
    return __version__


def deb_version(version: str) -> str:
    """PEP 440 → Debian: pre-releases and dev releases sort before the release ("~")."""
    m = re.fullmatch(r"(\d+(?:\.\d+)*)(?:[-_.]?(a|b|rc|alpha|beta|c)[-_.]?(\d*))?(?:[-_.]?(post)[-_.]?(\d*))?"
                     r"(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([A-Za-z0-9.]+))?", version.strip().lower())
    if not m:
        raise BuildError(f"版本号无法转换为 Debian 版本 / unsupported version: {version!r}")
    release, pre, pre_n, post, post_n, dev, dev_n, local = m.groups()
    out = release
    if pre:
        out += "~" + {"alpha": "a", "beta": "b", "c": "rc"}.get(pre, pre) + (pre_n or "0")
    if post:
        out += "+post" + (post_n or "0")
    if dev:
        out += "~dev" + (dev_n or "0")
    if local:
        out += "+" + local
    return out


def windows_version(version: str) -> str:
    """Four numbers for Windows file/installer versions (VersionInfoVersion)."""
    nums = [int(x) for x in re.match(r"\d+(?:\.\d+)*", version).group(0).split(".")][:4]
    return ".".join(str(n) for n in nums + [0] * (4 - len(nums)))


def _vkey(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def glibc_floor(versions) -> str:
    """The highest of GLIBC_MIN and the GLIBC_x.y symbol versions the bundle's binaries need."""
    return max([GLIBC_MIN, *versions], key=_vkey)


def deb_control(version: str, arch: str = "amd64", installed_kb: int = 0, glibc: str = GLIBC_MIN) -> str:
    """The DEBIAN/control file of the package."""
    lines = [
        f"Package: {APP_ID}",
        f"Version: {deb_version(version)}",
        f"Architecture: {arch}",
        f"Maintainer: {DEB_MAINTAINER}",
        f"Installed-Size: {installed_kb}",
        "Depends: " + ", ".join([f"libc6 (>= {glibc_floor([glibc])})", *DEB_DEPENDS]),
        # Only for names with Ext-B characters (𠮷): the shipped fonts lack them; PDFs take them from here.
        "Recommends: fonts-hanazono",
        "Section: misc",
        "Priority: optional",
        f"Description: {APP_NAME}（乡镇(街道)社工站桌面工作平台）",
        " Desktop workbench for township (street) social work stations of the",
        " Guangdong \"Shuanbai\" programme: residents, service records, reports.",
        " .",
        f" Self-contained build (Python and Qt included) in {INSTALL_DIR}. Runs as the",
        f" user; a station for every account of the PC lives in {MACHINE_DIR} (group",
        f" {MACHINE_GROUP}, made by this package), one for a single account in",
        f" ~/.local/share/shuanbai-desktop. Needs glibc {glibc_floor([glibc])} or",
        " newer (Debian 12+, Ubuntu 22.04+).",
    ]
    return "\n".join(lines) + "\n"


def depends_package_names(depends: list[str] = DEB_DEPENDS) -> set[str]:
    """Every package name mentioned in Depends, alternatives included, without versions."""
    names = {"libc6"}
    for item in depends:
        for alt in item.split("|"):
            names.add(alt.split("(")[0].strip())
    return names


# What the Linux build needs from apt besides the project's venv (`bash .ci/dev build` installs them):
# the tools, the X server for the GUI check, and every library of Depends, which the system library
# audit looks up on this machine (libcups2 is not there by default).
BUILD_TOOL_PACKAGES = ["dpkg-dev", "binutils", "xvfb", "xauth", "xdotool", "desktop-file-utils"]


def libpython_package(base_prefix: str = sys.base_prefix, version_info=sys.version_info,
                      shared_lib: Path | None = None) -> str | None:
    """The apt package with the shared libpython PyInstaller bundles, when it is missing.

    Debian's and Ubuntu's python3.X binaries are linked statically; their libpython3.X.so.1.0 comes
    in the separate package libpython3.X. None when the library is there or the Python is not the
    distribution's (pyenv, python.org builds: their own libpython, or none to install with apt)."""
    if shared_lib is None:
        shared_lib = _shared_libpython()
    if base_prefix != "/usr" or (shared_lib is not None and shared_lib.exists()):
        return None
    return f"libpython{version_info[0]}.{version_info[1]}"


def _shared_libpython() -> Path | None:
    import sysconfig

    name = sysconfig.get_config_var("INSTSONAME") or sysconfig.get_config_var("LDLIBRARY")
    libdir = sysconfig.get_config_var("LIBDIR")
    if not name or not libdir:
        return None
    return Path(libdir) / name


def build_apt_packages(depends: list[str] = DEB_DEPENDS) -> list[str]:
    """apt packages for `build.py linux`, one entry each; alternatives as "new|old" (first that exists)."""
    out = list(BUILD_TOOL_PACKAGES)
    for item in depends:
        out.append("|".join(alt.split("(")[0].strip() for alt in item.split("|")))
    lib = libpython_package()
    if lib:
        out.append(lib)
    return out


def check_libpython() -> None:
    lib = libpython_package()
    if lib:
        raise BuildError(f"缺少共享库 / missing the shared library {_shared_libpython()} that PyInstaller "
                         f"bundles: apt-get install {lib}")


# --------------------------------------------------------------------------------------------
# small helpers

def log(msg: str) -> None:
    print(f"[build] {msg}", flush=True)


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("check", True)
    try:
        return subprocess.run([str(c) for c in cmd], **kw)
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"命令失败 / command failed ({exc.returncode}): {' '.join(map(str, cmd))}") from None
    except FileNotFoundError:
        raise BuildError(f"找不到程序 / program not found: {cmd[0]}") from None


def need_tools(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        raise BuildError("缺少工具 / missing tools: " + ", ".join(missing)
                         + "（apt-get install dpkg-dev binutils / pip install pyinstaller）")


def tree_size(path: Path) -> int:
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def tree_snapshot(path: Path) -> dict[str, int]:
    return {str(f.relative_to(path)): f.lstat().st_mtime_ns for f in path.rglob("*")}


def mib(n: int) -> str:
    return f"{n / 1048576:.1f} MiB"


# --------------------------------------------------------------------------------------------
# icons

def render_icon_pngs(sizes=ICON_PNG_SIZES) -> dict[int, bytes]:
    """PNG bytes of the SVG icon at each size (Qt's SVG renderer, offscreen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    renderer = QSvgRenderer(str(ICON_SVG))
    if not renderer.isValid():
        raise BuildError(f"图标 SVG 无效 / invalid SVG: {ICON_SVG}")
    out = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        out[size] = bytes(data.data())
    return out


def write_windows_icon(path: Path = WINDOWS_ICO) -> Path:
    from PIL import Image

    pngs = render_icon_pngs()
    images = {s: Image.open(io.BytesIO(b)).convert("RGBA") for s, b in pngs.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    images[256].save(path, format="ICO", sizes=[(s, s) for s in sorted(images)],
                     append_images=[images[s] for s in sorted(images) if s != 256])
    return path


# --------------------------------------------------------------------------------------------
# bundle

def build_bundle(clean: bool = True) -> Path:
    """PyInstaller one-folder bundle → dist/shuanbai-desktop/."""
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", DIST, "--workpath", WORK, SPEC]
    if clean:
        cmd.insert(3, "--clean")
    log("PyInstaller: " + " ".join(map(str, cmd[2:])))
    run(cmd, cwd=ROOT)
    bundle = DIST / APP_ID
    exe = bundle / (APP_ID + (".exe" if sys.platform == "win32" else ""))
    if not exe.is_file():
        raise BuildError(f"PyInstaller 没有生成 / did not produce {exe}")
    for rel in ("resources", "database", "database/versions", "database/env.py"):
        if not (bundle / "_internal" / rel).exists():
            raise BuildError(f"包中缺少 / bundle lacks _internal/{rel}")
    source = {p.name for p in (ROOT / "database/versions").glob("*.py")}
    shipped = {p.name for p in (bundle / "_internal/database/versions").glob("*.py")}
    if source != shipped:
        raise BuildError(f"迁移脚本不一致 / migrations differ: missing {sorted(source - shipped)}, "
                         f"extra {sorted(shipped - source)}")
    return bundle


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def bundle_elf_files(bundle: Path) -> list[Path]:
    return sorted(f for f in bundle.rglob("*") if f.is_file() and not f.is_symlink() and is_elf(f))


def elf_glibc_versions(files: list[Path]) -> dict[Path, str]:
    """The highest GLIBC_x.y version each ELF file needs (readelf -V, "Version needs")."""
    out: dict[Path, str] = {}
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        text = run(["readelf", "-VW", *chunk], capture_output=True, text=True).stdout
        current = chunk[0]
        for line in text.splitlines():
            if line.startswith("File: "):
                current = Path(line[6:].strip())
            m = re.search(r"Name: GLIBC_(\d+\.\d+(?:\.\d+)?)", line)
            if m and (current not in out or _vkey(m.group(1)) > _vkey(out[current])):
                out[current] = m.group(1)
    return out


def elf_needed(files: list[Path]) -> dict[Path, set[str]]:
    """Direct DT_NEEDED entries of ELF files, read with readelf (binutils)."""
    out: dict[Path, set[str]] = {}
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        text = run(["readelf", "-dW", *chunk], capture_output=True, text=True).stdout
        current = chunk[0]
        for line in text.splitlines():
            if line.startswith("File: "):
                current = Path(line[6:].strip())
            m = re.search(r"\(NEEDED\).*\[(.+)\]", line)
            if m:
                out.setdefault(current, set()).add(m.group(1))
    return out


def _ldconfig_paths() -> dict[str, str]:
    text = run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    paths: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\S+) \((.*)\) => (\S+)", line)
        if m and "64" in m.group(2):  # x86-64, AArch64: the 64-bit copies only
            paths.setdefault(m.group(1), m.group(3))
    return paths


def _owner(path: str) -> str | None:
    """The package owning ``path`` (merged /usr: dpkg may know the /lib or the /usr/lib spelling)."""
    spellings = {path, os.path.realpath(path)}
    for p in list(spellings):
        spellings.add(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for p in sorted(spellings):
        r = subprocess.run(["dpkg-query", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def audit_system_libraries(bundle: Path) -> list[str]:
    """Every library the bundle loads from the system must come from a package in DEB_DEPENDS.

    Returns the sorted list of such libraries. Needs readelf, ldconfig and dpkg (Debian family)."""
    files = bundle_elf_files(bundle)
    inside = {f.name for f in bundle.rglob("*")}
    needed = elf_needed(files)
    system = sorted({n for names in needed.values() for n in names if n not in inside})
    where = _ldconfig_paths()
    allowed = depends_package_names()
    problems = []
    for lib in system:
        path = where.get(lib)
        if path is None:
            users = sorted(str(f.relative_to(bundle)) for f, names in needed.items() if lib in names)
            problems.append(f"{lib}: 本机没有 / not on this machine (needed by {', '.join(users[:3])})")
            continue
        owner = _owner(path)
        if owner is None:
            problems.append(f"{lib}: {path} 不属于任何软件包 / owned by no package")
        elif owner.split(":")[0] not in allowed:
            problems.append(f"{lib}: 来自 / from {owner}, 不在 Depends 中 / not in DEB_DEPENDS")
    if problems:
        raise BuildError("系统库检查失败 / system library audit failed:\n  " + "\n  ".join(problems))
    return system


# --------------------------------------------------------------------------------------------
# .deb

def _normalise_modes(root: Path) -> None:
    for p in [root, *root.rglob("*")]:
        if p.is_symlink():
            continue
        if p.is_dir():
            p.chmod(0o755)
        else:
            p.chmod(0o755 if p.stat().st_mode & 0o111 else 0o644)


def build_deb(bundle: Path, version: str, glibc: str = GLIBC_MIN) -> Path:
    need_tools("dpkg-deb", "dpkg")
    arch = run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    shutil.rmtree(DEB_STAGING, ignore_errors=True)
    root = DEB_STAGING / "root"
    opt = root / INSTALL_DIR.lstrip("/")
    shutil.copytree(bundle, opt, symlinks=True)
    bin_dir = root / "usr/bin"
    bin_dir.mkdir(parents=True)
    shutil.copyfile(LAUNCHER_FILE, bin_dir / APP_ID)
    (bin_dir / APP_ID).chmod(0o755)
    apps = root / "usr/share/applications"
    apps.mkdir(parents=True)
    shutil.copyfile(DESKTOP_FILE, apps / DESKTOP_FILE.name)
    icons = root / "usr/share/icons/hicolor"
    for size, png in render_icon_pngs().items():
        d = icons / f"{size}x{size}/apps"
        d.mkdir(parents=True)
        (d / f"{APP_ID}.png").write_bytes(png)
    (icons / "scalable/apps").mkdir(parents=True)
    shutil.copyfile(ICON_SVG, icons / f"scalable/apps/{APP_ID}.svg")
    doc = root / f"usr/share/doc/{APP_ID}"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        f"{APP_NAME} ({APP_ID})\n\n"
        f"Bundled third-party software keeps its own licence. The fonts' licences are in\n"
        f"{INSTALL_DIR}/_internal/resources/fonts/; Qt (LGPLv3) and PySide6 (LGPLv3) are\n"
        f"shipped as unmodified shared libraries in {INSTALL_DIR}/_internal/PySide6/.\n",
        encoding="utf-8")
    _normalise_modes(root)
    installed_kb = sum((p.lstat().st_size + 1023) // 1024 for p in root.rglob("*") if p.is_file())
    debian = root / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(deb_control(version, arch, installed_kb, glibc), encoding="utf-8")
    (debian / "control").chmod(0o644)
    for script in MAINTAINER_SCRIPTS:
        shutil.copyfile(script, debian / script.name)
        (debian / script.name).chmod(0o755)
    debian.chmod(0o755)
    out = DIST / f"{APP_ID}_{deb_version(version)}_{arch}.deb"
    for old in DIST.glob(f"{APP_ID}_*.deb"):
        old.unlink()
    log(f"dpkg-deb → {out.relative_to(ROOT)}")
    # xz (every dpkg reads it; zstd needs dpkg ≥ 1.21.18). Level 1: 59 MiB in ~24 s CPU; level 6 saves
    # only 7 MiB for ~4× the time on 2 cores.
    run(["dpkg-deb", "--build", "--root-owner-group", "-Zxz", "-z1", root, out],
        stdout=subprocess.DEVNULL)
    listing = run(["dpkg-deb", "--contents", out], capture_output=True, text=True).stdout
    for must in (f".{INSTALL_DIR}/{APP_ID}", f"./usr/bin/{APP_ID}", f"./usr/share/applications/{APP_ID}.desktop",
                 f".{INSTALL_DIR}/_internal/database/env.py", f".{INSTALL_DIR}/_internal/resources/fonts/"):
        if must not in listing:
            raise BuildError(f".deb 缺少 / lacks {must}")
    if re.search(r"^\S+ (?!root/root)\S+/\S+ ", listing, re.M):
        raise BuildError(".deb 中有非 root 所有的文件 / files not owned by root in the .deb")
    info = run(["dpkg-deb", "--info", out], capture_output=True, text=True).stdout
    for script in MAINTAINER_SCRIPTS:
        if not re.search(rf"^\s+\d+ bytes,\s+\d+ lines\s+\*\s+{script.name}\b", info, re.M):
            raise BuildError(f".deb 缺少可执行的 / lacks the executable maintainer script {script.name}")
    shutil.rmtree(DEB_STAGING, ignore_errors=True)  # a second copy of the bundle
    return out


# --------------------------------------------------------------------------------------------
# smoke checks

@dataclass
class SmokeResult:
    version_s: float = 0.0
    cli_init_s: float = 0.0
    offscreen_s: float | None = None        # process start → first window → clean exit
    offscreen_window: str = ""
    xvfb_window_s: float | None = None      # process start → wizard window mapped (X11, Xvfb)
    notes: list[str] = field(default_factory=list)


class _Sandbox:
    """A throw-away HOME with XDG folders, optionally owned by another user (root builds)."""

    def __init__(self, user: str | None = None, groups: list[int] | None = None, machine_dir: bool = False):
        """``groups``: the user's supplementary groups (root builds); ``machine_dir``: the app uses the
        PC's real shared folder (``/var/lib/shuanbai-desktop``), else a folder that does not exist."""
        self.tmp = Path(tempfile.mkdtemp(prefix="shuanbai-smoke-"))
        self.groups = groups or []
        self.machine_dir = machine_dir
        self.tmp.chmod(0o755)
        self.home = self.tmp / "home"
        self.data = self.home / ".local/share"
        self.state = self.home / ".local/state"
        self.runtime = self.tmp / "run"
        for d in (self.data, self.state, self.home / ".config", self.home / ".cache", self.runtime):
            d.mkdir(parents=True)
        self.runtime.chmod(0o700)
        self.user = user
        self.uid = self.gid = None
        if user:
            import pwd
            pw = pwd.getpwnam(user)
            self.uid, self.gid = pw.pw_uid, pw.pw_gid
            for p in [self.tmp, *self.tmp.rglob("*")]:
                os.chown(p, self.uid, self.gid)

    def env(self, **extra) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SHUANBAI_", "QT_", "XDG_", "WAYLAND_")) and k not in ("DISPLAY", "PYTHONPATH")}
        env.update(HOME=str(self.home), XDG_DATA_HOME=str(self.data), XDG_STATE_HOME=str(self.state),
                   XDG_CONFIG_HOME=str(self.home / ".config"), XDG_CACHE_HOME=str(self.home / ".cache"),
                   XDG_RUNTIME_DIR=str(self.runtime), LANG="C.UTF-8", LC_ALL="C.UTF-8")
        if not self.machine_dir:  # a station shared by the build machine's accounts is none of its business
            env["SHUANBAI_MACHINE_DIR"] = str(self.tmp / "no-machine-folder")
        if self.user:
            env.update(USER=self.user, LOGNAME=self.user)
        env.update(extra)
        return env

    def write(self, name: str, text: str) -> Path:
        p = self.tmp / name
        p.write_text(text, encoding="utf-8")
        if self.uid is not None:
            os.chown(p, self.uid, self.gid)
        return p

    def popen_kw(self) -> dict:
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": self.groups}

    def log_tail(self) -> str:
        logs = sorted(self.state.rglob("*.log")) + sorted(self.data.rglob("*.log"))
        return "\n".join(p.read_text(encoding="utf-8", errors="replace")[-3000:] for p in logs)

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _first_town_code(install_dir: Path) -> str:
    """A real town code from the division data the app itself carries."""
    shipped = install_dir / "_internal/resources/divisions/streets.csv"
    source = shipped if shipped.is_file() else ROOT / "resources/divisions/streets.csv"
    with source.open(encoding="utf-8", newline="") as fh:
        return next(csv.DictReader(fh))["code"]


def _run_app(cmd: list[str], box: _Sandbox, timeout: float, **env) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, env=box.env(**env), capture_output=True, text=True, timeout=timeout,
                           cwd=box.tmp, **box.popen_kw())
    except subprocess.TimeoutExpired:
        raise BuildError(f"超时 / timed out after {timeout:.0f} s: {' '.join(cmd)}\n{box.log_tail()}") from None
    return r, time.monotonic() - t0


def _expect(r: subprocess.CompletedProcess, what: str, box: _Sandbox, code: int = 0) -> None:
    if r.returncode != code:
        raise BuildError(f"{what}: 退出码 / exit code {r.returncode} (expected {code})\n"
                         f"stdout: {r.stdout[-2000:]}\nstderr: {r.stderr[-2000:]}\nlog:\n{box.log_tail()}")


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number = b""
    deadline = time.monotonic() + 20
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([read_fd], [], [], 0.5)
        if ready:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
    os.close(read_fd)
    if not number.strip():
        proc.kill()
        raise BuildError("Xvfb 没有启动 / Xvfb did not start")
    return proc, ":" + number.decode().strip()


def _xdotool(display: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, timeout=20)


def gui_check_xvfb(cmd: list[str], box: _Sandbox) -> float:
    """Start the app on a real X server (Xvfb, xcb platform) with the default data folder, wait for
    the set-up wizard or log-in window, close it with Esc as a user would, expect exit code 0."""
    xvfb, display = _start_xvfb()
    app = None
    try:
        t0 = time.monotonic()
        app = subprocess.Popen(cmd, env=box.env(DISPLAY=display, QT_QPA_PLATFORM="xcb"), cwd=box.tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **box.popen_kw())
        window, elapsed = "", 0.0
        while time.monotonic() - t0 < GUI_TIMEOUT_S:
            if app.poll() is not None:
                raise BuildError(f"程序提前退出 / app exited early ({app.returncode}):\n"
                                 f"{app.stdout.read()[-2000:]}\nlog:\n{box.log_tail()}")
            r = _xdotool(display, "search", "--onlyvisible", "--name", WINDOW_TITLES)
            if r.returncode == 0 and r.stdout.strip():
                window, elapsed = r.stdout.split()[0], time.monotonic() - t0
                break
            time.sleep(0.1)
        if not window:
            raise BuildError(f"{GUI_TIMEOUT_S} 秒内没有出现设立向导或登录窗口 / no wizard or log-in window\n"
                             f"{box.log_tail()}")
        title = _xdotool(display, "getwindowname", window).stdout.strip()
        log(f"  Xvfb: window “{title}” after {elapsed:.2f} s; pressing Esc")
        _xdotool(display, "windowfocus", "--sync", window)
        _xdotool(display, "key", "--clearmodifiers", "Escape")
        try:
            code = app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise BuildError("按 Esc 后程序没有退出 / app did not exit after Esc") from None
        output = app.stdout.read()
        if code != 0:
            raise BuildError(f"程序退出码 / app exit code {code}\n{output[-2000:]}\n{box.log_tail()}")
        return elapsed
    finally:
        if app is not None and app.poll() is None:
            app.kill()
            app.wait()
        xvfb.terminate()
        xvfb.wait(timeout=10)


def smoke_check(cmd: list[str], *, install_dir: Path, require_gui: bool = True, user: str | None = None,
                xvfb: bool = True, groups: list[int] | None = None, machine_dir: bool = False) -> SmokeResult:
    """Run the bundled app the way a station PC would, in a temporary HOME:

    1. ``--version`` equals shuanbai_desktop.__version__;
    2. CLI ``init`` + ``verify`` on a temp database (migrations from the bundle, division data, argon2);
    3. GUI offscreen with ``--smoke-test`` (if the app has the flag): first window shown, clean exit;
    4. GUI on Xvfb (if Xvfb and xdotool exist): set-up wizard shown, Esc, exit code 0, and the
       database created in the user's data folder;
    5. nothing was written into the install folder.
    """
    res = SmokeResult()
    version = app_version()
    before = tree_snapshot(install_dir)
    box = _Sandbox(user, groups, machine_dir)
    try:
        r, res.version_s = _run_app([*cmd, "--version"], box, 60)
        _expect(r, "--version", box)
        if r.stdout.strip() != f"{APP_ID} {version}":
            raise BuildError(f"--version 输出 / printed {r.stdout.strip()!r}, expected {APP_ID} {version}")
        log(f"  --version: {r.stdout.strip()} ({res.version_s:.2f} s)")

        db = box.tmp / "cli" / "station.db"
        pw = box.write("password.txt", "Zhan2024abc\n")
        r, res.cli_init_s = _run_app([*cmd, "--db", str(db), "init", "--town", _first_town_code(install_dir), "--name",
                                      "冒烟测试社工站", "--admin", "admin", "--password-file", str(pw),
                                      "--recovery-file", str(box.tmp / "cli" / "recovery.txt")], box, 120)
        _expect(r, "CLI init", box)
        if db.read_bytes()[:16] == b"SQLite format 3\x00":  # SQLCipher (sqlcipher3) must be in the bundle
            raise BuildError("CLI init 写出的数据库没有加密 / the bundle's database is not encrypted")
        r, _ = _run_app([*cmd, "--db", str(db), "verify", "--user", "admin", "--password-file", str(pw)], box, 120)
        _expect(r, "CLI verify", box)
        log(f"  CLI init (encrypted) + verify: ok (init {res.cli_init_s:.2f} s)")

        gui_db = box.tmp / "gui" / "station.db"
        r, elapsed = _run_app([*cmd, "--db", str(gui_db), "--smoke-test"], box, GUI_TIMEOUT_S,
                              QT_QPA_PLATFORM="offscreen")
        if r.returncode == 2 and "--smoke-test" in r.stderr:
            res.notes.append("the app has no --smoke-test flag yet: offscreen GUI check skipped")
            log("  offscreen GUI: skipped (no --smoke-test flag in this version of the app)")
        else:
            _expect(r, "GUI --smoke-test (offscreen)", box)
            line = next((x for x in r.stdout.splitlines() if x.startswith(SMOKE_MARK)), None)
            if line is None:
                raise BuildError(f"--smoke-test 没有报告窗口 / printed no '{SMOKE_MARK}' line:\n{r.stdout}")
            res.offscreen_s, res.offscreen_window = elapsed, line[len(SMOKE_MARK):].strip()
            log(f"  offscreen GUI: {res.offscreen_window}; start→exit {elapsed:.2f} s")

        if xvfb and shutil.which("Xvfb") and shutil.which("xdotool"):
            res.xvfb_window_s = gui_check_xvfb(cmd, box)
            # The station's place is the user data folder: its instance lock is there; the database itself
            # is made (encrypted) only when the set-up wizard completes, so none is there yet.
            if not (box.data / APP_ID / "shuanbai.db.lock").is_file():
                raise BuildError(f"程序没有使用用户数据文件夹 / the app did not use {box.data / APP_ID}")
            if (box.data / APP_ID / "shuanbai.db").exists():
                raise BuildError("设立向导完成之前就写出了数据库 / a database was written before the set-up")
            log(f"  Xvfb GUI: ok; station's place {box.data / APP_ID}")
        elif xvfb:
            res.notes.append("Xvfb or xdotool missing: X11 GUI check skipped (apt-get install xvfb xdotool)")
            log("  Xvfb GUI: skipped (Xvfb or xdotool not installed)")

        if require_gui and res.offscreen_s is None and res.xvfb_window_s is None:
            raise BuildError("没有做任何图形界面检查 / no GUI check could run: add --smoke-test to the app or "
                             "install xvfb and xdotool (or pass --skip-gui-check)")
        after = tree_snapshot(install_dir)
        if after != before:
            changed = sorted(set(after.items()) ^ set(before.items()))[:5]
            raise BuildError(f"程序写入了安装文件夹 / the app wrote into {install_dir}: {changed}")
        return res
    finally:
        box.cleanup()


# --------------------------------------------------------------------------------------------
# commands

def cmd_linux(args) -> int:
    if not sys.platform.startswith("linux"):
        raise BuildError("linux 构建只能在 Linux 上运行 / run the linux build on Linux")
    need_tools("dpkg-deb", "readelf", "strip")
    check_libpython()
    t_start = time.monotonic()
    version = app_version()
    log(f"{APP_ID} {version} (deb {deb_version(version)}), Python {sys.version.split()[0]}")
    t0 = time.monotonic()
    bundle = build_bundle(clean=not args.no_clean)
    t_bundle = time.monotonic() - t0
    log(f"bundle: {bundle.relative_to(ROOT)} in {t_bundle:.0f} s, {mib(tree_size(bundle))}")
    if shutil.which("dpkg-query") and shutil.which("/sbin/ldconfig"):
        libs = audit_system_libraries(bundle)
        log(f"system libraries: {len(libs)}, all from packages in Depends")
    needs = elf_glibc_versions(bundle_elf_files(bundle))
    glibc = glibc_floor(needs.values())
    top = sorted(str(f.relative_to(bundle)) for f, v in needs.items() if v == glibc)
    log(f"glibc floor: {glibc} (needed by {', '.join(top[:3])}{' …' if len(top) > 3 else ''})")
    log("smoke check of the bundle:")
    res = smoke_check([str(bundle / APP_ID)], install_dir=bundle, require_gui=not args.skip_gui_check)
    t0 = time.monotonic()
    deb = build_deb(bundle, version, glibc)
    t_deb = time.monotonic() - t0
    total = time.monotonic() - t_start
    print()
    print(f"== {APP_NAME} {version}: linux build ok ==")
    print(f"bundle      {bundle.relative_to(ROOT)}  {mib(tree_size(bundle))} unpacked  (built in {t_bundle:.0f} s)")
    print(f"package     {deb.relative_to(ROOT)}  {mib(deb.stat().st_size)}  (packed in {t_deb:.0f} s), "
          f"Depends: libc6 (>= {glibc})")
    print(f"glibc       {glibc} or newer on the target (the .deb's floor; check there with `ldd --version`)")
    print(f"start       --version {res.version_s:.2f} s; CLI init on a new database {res.cli_init_s:.2f} s")
    if res.offscreen_s is not None:
        print(f"            GUI offscreen start → {res.offscreen_window} → exit: {res.offscreen_s:.2f} s")
    if res.xvfb_window_s is not None:
        print(f"            GUI on Xvfb: start → set-up wizard shown {res.xvfb_window_s:.2f} s")
    for note in res.notes:
        print(f"note        {note}")
    print(f"total       {total:.0f} s")
    print(f"install     sudo apt-get install ./{deb.relative_to(ROOT)}   then: python installer/build.py check-installed")
    return 0


def _desktop_exec(desktop: Path) -> list[str]:
    import configparser
    import shlex

    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read(desktop, encoding="utf-8")
    exec_line = re.sub(r"\s%[fFuUick]", "", cp["Desktop Entry"]["Exec"])
    argv = shlex.split(exec_line)
    found = shutil.which(argv[0], path="/usr/local/bin:/usr/bin:/bin")
    if not found:
        raise BuildError(f"菜单项的程序不存在 / Exec of {desktop} not found: {argv[0]}")
    return [found, *argv[1:]]


def check_machine_folder() -> int:
    """The postinst made the group and the shared folder: root:shuanbai, 2770. Returns the group's id."""
    import grp
    import stat
    try:
        gid = grp.getgrnam(MACHINE_GROUP).gr_gid
    except KeyError:
        raise BuildError(f"没有用户组 / no group {MACHINE_GROUP} (postinst)") from None
    if not MACHINE_DIR.is_dir():
        raise BuildError(f"没有共用数据文件夹 / no shared folder {MACHINE_DIR} (postinst)")
    st = MACHINE_DIR.stat()
    if (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) != (0, gid, 0o2770):
        raise BuildError(f"{MACHINE_DIR}: owner {st.st_uid}:{st.st_gid} mode {oct(stat.S_IMODE(st.st_mode))}, "
                         f"expected root:{MACHINE_GROUP} 0o2770")
    log(f"shared folder: {MACHINE_DIR} root:{MACHINE_GROUP} 2770")
    return gid


def check_refused_outside_the_group(cmd: list[str], user: str) -> None:
    """An account outside the group gets the Chinese refusal (exit code 2), and no station of its own."""
    box = _Sandbox(user, [], machine_dir=True)
    try:
        r, _ = _run_app([*cmd, "--smoke-test"], box, GUI_TIMEOUT_S, QT_QPA_PLATFORM="offscreen")
        _expect(r, "GUI --smoke-test outside the group (refused)", box, code=2)
        if f"sudo usermod -aG {MACHINE_GROUP}" not in r.stderr or (box.data / APP_ID).exists():
            raise BuildError(f"组外账户没有被正确拒绝 / an account outside the group was not refused:\n{r.stderr[-2000:]}")
        log(f"  outside the group {MACHINE_GROUP}: refused, nothing made")
    finally:
        box.cleanup()


def cmd_check_installed(args) -> int:
    """The installed package: files in place, menu entry valid, the app started from the menu entry's
    Exec line as a plain user reaches the set-up wizard and exits cleanly."""
    desktop = Path("/usr/share/applications") / DESKTOP_FILE.name
    exe = Path(INSTALL_DIR) / APP_ID
    for p in (desktop, exe, Path("/usr/bin") / APP_ID,
              Path(f"/usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg"),
              Path(f"/usr/share/icons/hicolor/48x48/apps/{APP_ID}.png")):
        if not p.exists():
            raise BuildError(f"没有安装 / not installed: {p}")
    status = run(["dpkg-query", "-W", "-f", "${Version} ${Status}", APP_ID], capture_output=True, text=True).stdout
    log(f"dpkg: {APP_ID} {status}")
    if shutil.which("desktop-file-validate"):
        run(["desktop-file-validate", desktop])
        log("desktop-file-validate: ok")
    cmd = _desktop_exec(desktop)
    group = check_machine_folder()
    user = None
    if os.geteuid() == 0:
        user = args.user
        log(f"running as root: the app is started as user “{user}” (no root needed at run time), "
            f"in the group {MACHINE_GROUP}")
        check_refused_outside_the_group(cmd, user)
    elif group not in os.getgroups():
        raise BuildError(f"本账户不在 {MACHINE_GROUP} 组：程序会拒绝启动。请以 root 运行本检查，或先 sudo usermod -aG "
                         f"{MACHINE_GROUP} $USER 并重新登录 / this account is not in the group {MACHINE_GROUP}")
    log(f"menu entry Exec: {' '.join(cmd)}")
    res = smoke_check(cmd, install_dir=Path(INSTALL_DIR), require_gui=True, user=user, groups=[group],
                      machine_dir=True)
    print()
    print(f"== installed {APP_ID} ok ==")
    if res.offscreen_s is not None:
        print(f"GUI offscreen start → {res.offscreen_window} → exit: {res.offscreen_s:.2f} s")
    if res.xvfb_window_s is not None:
        print(f"GUI on Xvfb from the menu entry: start → set-up wizard {res.xvfb_window_s:.2f} s")
    for note in res.notes:
        print(f"note: {note}")
    return 0


WINDOWS_STEPS = r"""
Windows 构建只能在 Windows 10/11 x64 上进行（PyInstaller 不能交叉编译）。
The Windows build runs on Windows 10/11 x64 only (PyInstaller does not cross-compile).

先安装 / install first:
  * Python 3.11 x64 from python.org (tick "Add python.exe to PATH"), or `py -3.11` available
  * Inno Setup 6 (https://jrsoftware.org/isdl.php) with ISCC.exe
  * ChineseSimplified.isl (unofficial translation, not in the Inno Setup installer):
      https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl
    → copy it to "C:\Program Files (x86)\Inno Setup 6\Languages\" (or installer\windows\).
    build.ps1 downloads it when missing.

一条命令 / one command, in PowerShell at the project root:
  powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1

它会 / it does:
  1. py -3.11 -m venv .venv-win; pip install -e . pyinstaller
  2. python installer\build.py windows          (on Windows this really builds:)
       a. pyinstaller --noconfirm --clean installer\shuanbai.spec  → dist\shuanbai-desktop\
       b. smoke check: shuanbai-desktop-cli.exe --version / init / verify on a temp database,
          shuanbai-desktop.exe --smoke-test with QT_QPA_PLATFORM=offscreen (if the app has the flag)
       c. ISCC /DAppVersion=<shuanbai_desktop.__version__> /DAppVersionNumeric=<x.y.z.0>
              /DBundleDir=<dist\shuanbai-desktop> /O<dist> installer\windows\shuanbai.iss
          → dist\shuanbai-desktop-<version>-setup.exe
  3. (optional) signtool sign /fd SHA256 /tr <timestamp url> /td SHA256 on both .exe files
     and the setup .exe — see installer/README.md.
"""


def _find_iscc() -> str | None:
    for candidate in (os.environ.get("ISCC"), shutil.which("ISCC"), shutil.which("iscc"),
                      r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe", r"C:\Program Files\Inno Setup 6\ISCC.exe",
                      os.path.expandvars(r"%LOCALAPPDATA%\Programs\Inno Setup 6\ISCC.exe")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def cmd_windows(args) -> int:
    if sys.platform != "win32":
        print(WINDOWS_STEPS)
        return 0
    version = app_version()
    iscc = _find_iscc()
    if not iscc:
        raise BuildError("找不到 Inno Setup 6 的 ISCC.exe / ISCC.exe not found (install Inno Setup 6 or set ISCC)")
    if not WINDOWS_ICO.is_file():
        write_windows_icon()
    t0 = time.monotonic()
    bundle = build_bundle(clean=not args.no_clean)
    t_bundle = time.monotonic() - t0
    log("smoke check of the bundle:")
    res = smoke_check([str(bundle / f"{APP_ID}-cli.exe")], install_dir=bundle, require_gui=False, xvfb=False)
    exe = bundle / f"{APP_ID}.exe"
    box = _Sandbox()
    try:
        r, elapsed = _run_app([str(exe), "--db", str(box.tmp / "g.db"), "--smoke-test"], box, GUI_TIMEOUT_S,
                              QT_QPA_PLATFORM="offscreen")
        if r.returncode == 0:
            log(f"  windowed exe --smoke-test offscreen: exit 0 in {elapsed:.2f} s")
        elif r.returncode != 2:
            _expect(r, "GUI --smoke-test (windowed exe)", box)
    finally:
        box.cleanup()
    defines = [f"/DAppVersion={version}", f"/DAppVersionNumeric={windows_version(version)}",
               f"/DBundleDir={bundle}", f"/O{DIST}"]
    log("ISCC " + " ".join(defines))
    run([iscc, "/Q", *defines, ISS_FILE])
    setup = DIST / f"{APP_ID}-{version}-setup.exe"
    if not setup.is_file():
        raise BuildError(f"ISCC 没有生成 / did not produce {setup}")
    print(f"\n== {APP_NAME} {version}: windows build ok ==")
    print(f"bundle   {bundle}  {mib(tree_size(bundle))} unpacked (built in {t_bundle:.0f} s)")
    print(f"setup    {setup}  {mib(setup.stat().st_size)}")
    print(f"start    --version {res.version_s:.2f} s")
    return 0


def cmd_icons(args) -> int:
    path = write_windows_icon()
    log(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")
    return 0


def cmd_apt_packages(args) -> int:
    print("\n".join(build_apt_packages()))
    return 0


def cmd_version(args) -> int:
    print(app_version())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/build.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("linux", help="bundle + .deb + smoke check")
    p.add_argument("--no-clean", action="store_true", help="keep PyInstaller's cache (faster rebuilds)")
    p.add_argument("--skip-gui-check", action="store_true", help="do not fail when no GUI check can run")
    p = sub.add_parser("windows", help="Windows bundle + Inno Setup installer (prints the steps elsewhere)")
    p.add_argument("--no-clean", action="store_true")
    p = sub.add_parser("check-installed", help="check the installed .deb from its menu entry")
    p.add_argument("--user", default="nobody", help="user that runs the app when called as root")
    sub.add_parser("icons", help="render installer/windows/shuanbai.ico from the SVG")
    sub.add_parser("version", help="print the version")
    sub.add_parser("apt-packages", help="print the apt packages the linux build needs (one a line)")
    args = parser.parse_args(argv)
    commands = {"linux": cmd_linux, "windows": cmd_windows, "check-installed": cmd_check_installed,
                "icons": cmd_icons, "version": cmd_version, "apt-packages": cmd_apt_packages}
    try:
        return commands[args.command](args)
    except BuildError as exc:
        print(f"\n构建失败 / BUILD FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
