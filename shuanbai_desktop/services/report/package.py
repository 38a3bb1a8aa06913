"""Export one month: workbook, PDF, the county's form if loaded, manifest — into one folder or
zip named with the division code and month; record the version and lock the month (已报送).

Everything is written into a hidden work folder beside the target first; the version row,
the month lock and the audit entry are added in the caller's transaction, and the package
gets its final name last. A failure anywhere leaves neither a half package nor a recorded
export.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from ... import __version__
from ...data import audit
from ...data.db import wait_until_checked
from ...data.files import pid_alive
from ...data.models.report import LockedMonth, ReportExport
from ...data.month_lock import month_text
from ...errors import UserError
from ..permissions import Permission, require
from ..trends import Trends, month_trends
from . import manifest, template, versions
from .collect import check_month, collect, run_checks
from .layout import LAYOUT_VERSION, Check, ReportFigures

Progress = Callable[[int, str], None]
log = logging.getLogger(__name__)
WORK_PREFIX = ".report-"
_WORK_RE = re.compile(r"^\.report-(\d+)-")
STALE_SECONDS = 3600  # a work folder without a live owner we can see is stale after an hour
_ACTIVE: set[Path] = set()  # this process's work folders still being written


@dataclass(frozen=True)
class ExportResult:
    month: str
    version: int
    package: Path  # the folder or the zip
    files: tuple[str, ...]
    changes: tuple[versions.Change, ...]
    template_filled: int  # placeholders filled in the county's form; 0 without a template
    open_errors: int
    open_warnings: int


def package_name(town_code: str, month: str, version: int) -> str:
    return f"{town_code}_{month}_月度报表" + (f"_第{version}版" if version > 1 else "")


def subtitle(figures: ReportFigures, version: int) -> str:
    s = figures.station
    first, last = figures.period
    return (f"{s.city_name}{s.county_name}{s.town_name}（区划代码 {s.town_code}）　"
            f"统计期间 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}　第 {version} 版")


def _notes(figures: ReportFigures, version: int, checks: list[Check], reason: str) -> list[tuple[str, str]]:
    errors = sum(c.level == "error" for c in checks)
    notes = [("报表版本", f"第 {version} 版（报表格式版本 {LAYOUT_VERSION}）"),
             ("生成时间", f"{figures.generated_at:%Y-%m-%d %H:%M}"),
             ("生成程序", f"社工站工作平台 {__version__}"),
             ("未纳入的内容", "、".join(figures.left_out) + "（本程序尚无这些功能，相应数字未填报，不是 0）"
              if figures.left_out else "无"),
             ("导出时的检查", f"须更正 {errors} 项，请核实 {len(checks) - errors} 项" if checks else "未发现问题"),
             ("符号说明", "“—”表示没有可计算的数，例如本月没有办结事项时的按时办结率。")]
    if version > 1:
        notes.insert(1, ("重新报送原因", reason))
    if figures.station.leadership_text:
        notes.insert(0, ("站点负责人", figures.station.leadership_text))
    return notes


def _write_files(work: Path, name: str, figures: ReportFigures, version: int, changes, checks, tpl,
                 reason: str, progress: Progress,
                 trend: Trends | None = None) -> tuple[list[dict], dict[str, str], int]:
    from ...exports.report_pdf import write_report_pdf
    from ...exports.report_xlsx import write_report
    sub, notes = subtitle(figures, version), _notes(figures, version, checks, reason)
    rows = [c.row for c in changes]
    progress(80, "正在写 Excel 工作簿")
    cells = write_report(figures, work / f"{name}.xlsx", sub, notes, version, rows)
    files = [manifest.file_entry(work / f"{name}.xlsx", "workbook")]
    progress(88, "正在写 PDF")
    write_report_pdf(figures, work / f"{name}.pdf", sub, notes, version, rows, trends=trend)
    files.append(manifest.file_entry(work / f"{name}.pdf", "pdf"))
    filled = 0
    if tpl is not None:
        progress(93, "正在填写县级报表模板")
        filled = template.fill(tpl.content, figures, work / f"{name}_县级表.xlsx")
        files.append(manifest.file_entry(work / f"{name}_县级表.xlsx", "county_form"))
    return files, cells, filled


def _zip(work: Path, target: Path) -> None:
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.touch(mode=0o600)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(work.iterdir()):
                zf.write(path, path.name)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_work(out_dir: Path, at: float | None = None) -> list[str]:
    """Remove the hidden work folders an export killed midway left in ``out_dir``: those whose
    process (named in the folder) is gone, or, when that cannot be told, older than an hour."""
    at = time.time() if at is None else at
    removed = []
    for path in out_dir.glob(f"{WORK_PREFIX}*"):
        if not path.is_dir():
            continue
        match = _WORK_RE.match(path.name)
        alive = pid_alive(int(match[1])) if match else None
        if match and int(match[1]) == os.getpid():
            alive = path in _ACTIVE
        try:
            stale = alive is False or (alive is None and at - path.stat().st_mtime > STALE_SECONDS)
        except OSError:
            continue
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    if removed:
        log.warning("removed %d work folder(s) left by an interrupted export", len(removed))
    return removed


def _owner_only(folder: Path) -> None:
    """The package holds the station's figures: readable by this user only (POSIX)."""
    if os.name != "posix":
        return
    os.chmod(folder, 0o700)
    for path in folder.iterdir():
        os.chmod(path, 0o600)


def _check_request(year: int, month: int, out_dir: Path, today: date) -> None:
    check_month(year, month, today)
    if (year, month) == (today.year, today.month):
        raise UserError(f"{year}年{month}月还没有结束，月末之后才能报送。可以先预览。", field="月份")
    if not Path(out_dir).is_dir():
        raise UserError(f"找不到保存位置“{out_dir}”，请重新选择文件夹（例如U盘）。", field="保存位置")


def _record(session: Session, figures: ReportFigures, version: int, name: str, as_zip: bool, files, changes,
            tpl, reason: str, exported_by: str) -> None:
    row = ReportExport(month=figures.month_key, version=version, exported_by=exported_by,
                       layout_version=LAYOUT_VERSION, package_name=name + (".zip" if as_zip else ""), as_zip=as_zip,
                       files=json.dumps([[f["name"], f["sha256"], f["size"]] for f in files], ensure_ascii=False),
                       figures=json.dumps(versions.figure_rows(figures), ensure_ascii=False),
                       changes=versions.change_json(changes), template_sha256=tpl.sha256 if tpl else "",
                       reason=reason)
    session.add(row)
    session.flush()
    if session.get(LockedMonth, figures.month_key) is None:
        session.add(LockedMonth(month=figures.month_key, locked_by=exported_by, export_id=row.id))
    audit.record_event(session, "report_export", str(row.id),
                       f"导出月度报表：{figures.month_text} 第 {version} 版" + (f"（原因：{reason}）" if reason else ""),
                       {"package": row.package_name, "changes": len(changes)})


def export_month(session: Session, year: int, month: int, out_dir: Path, *,
                 as_zip: bool = False, reason: str = "", progress: Progress | None = None,
                 today: date | None = None, template_file: Path | None = None) -> ExportResult:
    """Export, record the version, lock the month; a month already reported needs ``reason``.

    Needs ``Permission.REPORT_EXPORT``; the export is recorded as the session's user's. The county's
    form is the active template of 设置, or ``template_file`` for this export only.
    """
    exported_by = require(session, Permission.REPORT_EXPORT).username
    progress = progress or (lambda *_: None)
    out_dir, today, reason = Path(out_dir), today or date.today(), (reason or "").strip()
    _check_request(year, month, out_dir, today)
    key = f"{year:04d}-{month:02d}"
    previous = versions.latest(session, key)
    version = previous.version + 1 if previous else 1
    if previous and len(reason) < 4:
        raise UserError(f"{month_text(key)}已报送过，重新导出需要填写原因（至少 4 个字）。", field="重新报送原因")
    figures = collect(session, year, month, lambda p, t: progress(int(p * 0.7), t), today)
    trend = month_trends(session, year, month, today)  # the PDF's last page: the 12 months up to this one
    progress(72, "正在检查记录")
    checks = run_checks(session, year, month, today)
    changes = versions.diff(json.loads(previous.figures), figures) if previous else []
    tpl = template.from_file(template_file) if template_file else template.active(session)
    name = package_name(figures.station.town_code, key, version)
    target = out_dir / (name + ".zip" if as_zip else name)
    if target.exists():
        raise UserError(f"所选位置已有“{target.name}”，请换一个文件夹，或先移走旧的。", field="保存位置")
    remove_stale_work(out_dir)
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=out_dir))  # owner-only (0700)
    _ACTIVE.add(work)
    try:
        files, cells, filled = _write_files(work, name, figures, version, changes, checks, tpl, reason, progress,
                                            trend)
        errors = sum(c.level == "error" for c in checks)
        manifest.write(manifest.build(figures, version, files, cells, {"errors": errors,
                                      "warnings": len(checks) - errors}, figures.generated_at.isoformat()), work)
        _record(session, figures, version, name, as_zip, files, changes, tpl, reason, exported_by)
        progress(97, "正在保存到所选位置")
        wait_until_checked(session)  # no report of a file not yet known to be intact leaves the program
        _owner_only(work)
        _zip(work, target) if as_zip else os.replace(work, target)
    finally:
        _ACTIVE.discard(work)
        shutil.rmtree(work, ignore_errors=True)
    progress(100, "完成")
    return ExportResult(key, version, target, tuple(f["name"] for f in files) + (manifest.MANIFEST_NAME,),
                        tuple(changes), filled, errors, len(checks) - errors)
