"""Exporting a month: the lock, version 2 with its change list, refusals, the zip, the audit trail."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.data.models.report import LockedMonth, ReportExport
from shuanbai_desktop.data.models.targets import Household, Visit, VisitPerson, VisitWorker
from shuanbai_desktop.data.month_lock import set_override
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import DiskFull, UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.report import package, versions

from .test_report_figures import build_known


@pytest.fixture
def usb(tmp_path):
    folder = tmp_path / "U盘"
    folder.mkdir()
    return folder


def _export(db, out, **kw):
    with db.session() as s:
        return package.export_month(s, 2024, 5, out, **kw)


def test_export_locks_the_month_and_a_second_export_lists_what_changed(station_db, admin, usb):
    build_known(station_db)
    first = _export(station_db, usb)
    assert first.version == 1 and first.changes == ()
    with station_db.session() as s:
        assert s.get(LockedMonth, "2024-05").export_id == s.scalar(select(ReportExport.id))
        assert versions.status(s, "2024-05").locked
    with station_db.session(admin.actor) as s:
        set_override(s, "补录五月的走访")
        household = s.scalar(select(Household.id).where(Household.name == "甲户"))
        visit = Visit(household_id=household, visit_date=date(2024, 5, 28), form="home", risk="low",
                      next_due=date(2024, 6, 28))
        s.add(visit)
        s.flush()
        s.add(VisitWorker(visit_id=visit.id, user_id=1))
        person = s.execute(select(VisitPerson.person_id)).scalars().first()
        s.add(VisitPerson(visit_id=visit.id, person_id=person))
    with pytest.raises(UserError, match="原因"):
        _export(station_db, usb)
    second = _export(station_db, usb, reason="补录一次走访后重新报送")
    assert second.version == 2 and second.package.name == "441302001_2024-05_月度报表_第2版"
    changed = {c.key: (c.old, c.new) for c in second.changes}
    assert changed == {"visits.households": (3, 4), "visits.persons": (3, 4)}
    wb = load_workbook(second.package / f"{second.package.name}.xlsx")
    rows = list(wb["变更说明"].iter_rows(min_row=3, values_only=True))
    assert {(r[1], r[3], r[4]) for r in rows} == {("入户走访户次", "3", "4"), ("入户走访人次", "3", "4")}
    with station_db.session() as s:
        history = versions.history(s, "2024-05")
        assert [h.version for h in history] == [2, 1] and history[0].reason == "补录一次走访后重新报送"
        summaries = s.scalars(select(AuditEntry.summary).where(AuditEntry.table_name == "report_export")).all()
        assert any("第 2 版" in x and "补录一次走访" in x for x in summaries)


def test_zip_package_holds_the_three_files(station_db, usb):
    build_known(station_db)
    result = _export(station_db, usb, as_zip=True)
    assert result.package.name == "441302001_2024-05_月度报表.zip"
    with zipfile.ZipFile(result.package) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert names == sorted(["441302001_2024-05_月度报表.xlsx", "441302001_2024-05_月度报表.pdf", "manifest.json"])
    assert sorted(f["name"] for f in manifest["files"]) == [n for n in names if n != "manifest.json"]
    assert not [p for p in usb.iterdir() if p.name.startswith(".")]  # no work folder left behind


def test_refusals_leave_nothing_behind(station_db, usb):
    build_known(station_db)
    with station_db.session() as s:
        worker = auth.create_user(s, "sg9", "黄社工", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    with station_db.session(worker.actor) as s, pytest.raises(UserError, match="“社工”角色不能导出并报送月度报表"):
        package.export_month(s, 2024, 5, usb)
    with station_db.session() as s:
        with pytest.raises(UserError, match="还没有结束"):
            package.export_month(s, 2024, 6, usb, today=date(2024, 6, 28))
        with pytest.raises(UserError, match="找不到保存位置"):
            package.export_month(s, 2024, 5, usb / "无")
    (usb / "441302001_2024-05_月度报表").mkdir()
    with pytest.raises(UserError, match="已有"):
        _export(station_db, usb)
    with station_db.session() as s:
        assert s.scalar(select(LockedMonth)) is None and s.scalar(select(ReportExport)) is None
    assert sorted(p.name for p in usb.iterdir()) == ["441302001_2024-05_月度报表"]


def test_a_failure_while_writing_records_nothing(station_db, usb, monkeypatch):
    build_known(station_db)

    def broken(*_a, **_k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("shuanbai_desktop.exports.report_pdf.write_report_pdf", broken)
    with pytest.raises(DiskFull):  # the session rolls back and says so in Chinese
        _export(station_db, usb)
    with station_db.session() as s:
        assert s.scalar(select(LockedMonth)) is None and s.scalar(select(ReportExport)) is None
    assert list(usb.iterdir()) == []


def test_workbench_reminds_the_administrator_until_last_month_is_sent(station_db, usb):
    from datetime import datetime

    from shuanbai_desktop.services import workbench
    from shuanbai_desktop.services.report.due import _last_month_report

    def items(admin: bool):
        with station_db.session() as s:
            ctx = workbench.WorkbenchContext(s, datetime(2024, 6, 3, 9), station_db.path,
                                             Role.ADMIN if admin else Role.SOCIAL_WORKER)
            return _last_month_report(ctx)
    [item] = items(True)
    assert item.title == "2024年5月的月度报表尚未报送" and item.area == "report"
    assert items(False) == []
    build_known(station_db)
    _export(station_db, usb)
    assert items(True) == []
    with station_db.session() as s:
        ctx = workbench.WorkbenchContext(s, datetime(2024, 6, 3, 9), station_db.path, Role.ADMIN)
        assert any(i.title == "2024年5月的月度报表尚未报送" for i in workbench.due_items(ctx)) is False
