"""Probes for 报表: the monthly report (REPORT_EXPORT), a change in a reported month (MONTH_OVERRIDE),
a masked ledger (LEDGER_EXPORT) and one with full numbers (LEDGER_EXPORT_FULL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shuanbai_desktop.data.models.report import LockedMonth
from shuanbai_desktop.domain.asset_rules import AssetCategory, EventKind
from shuanbai_desktop.services.assets import events, register
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.report import ledgers, month_lock_override, package

from . import World

TODAY = date(2025, 6, 30)
LOCKED = "2022-01"  # a month no other probe writes in


def setup(session: Session, world: World) -> None:
    world.ids["report.cabinet"] = register.save_asset(session, register.AssetInput(
        "档案柜", AssetCategory.FURNITURE, date(2022, 1, 5), "860"), today=TODAY)
    session.add(LockedMonth(month=LOCKED, locked_by="admin"))
    session.flush()


def _export(session: Session, world: World) -> None:
    package.export_month(session, 2025, 5, world.tmp, today=TODAY)


def _override(session: Session, world: World) -> None:
    month_lock_override(session, "补录当月的领用记录")
    events.record_event(session, world.ids["report.cabinet"], events.EventInput(
        EventKind.ISSUE, date(2022, 1, 20), person_name="林丽娟"), today=TODAY)


def _ledger(session: Session, world: World) -> None:
    ledgers.export_ledger(session, "residents", date(2025, 1, 1), TODAY, world.tmp / "居民台账.xlsx")


def _full_ledger(session: Session, world: World) -> None:
    ledgers.export_ledger(session, "residents", date(2025, 1, 1), TODAY, world.tmp / "居民台账（完整）.xlsx",
                          full_numbers=True)


PROBES = {Permission.REPORT_EXPORT: _export, Permission.MONTH_OVERRIDE: _override,
          Permission.LEDGER_EXPORT: _ledger, Permission.LEDGER_EXPORT_FULL: _full_ledger}
