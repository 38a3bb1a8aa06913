"""Probes for 资产: registering an asset (ASSET_EDIT) and scrapping one (ASSET_DISPOSE)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shuanbai_desktop.domain.asset_rules import AssetCategory, EventKind
from shuanbai_desktop.services.assets import events, register
from shuanbai_desktop.services.assets.events import EventInput
from shuanbai_desktop.services.assets.register import AssetInput
from shuanbai_desktop.services.permissions import Permission

from . import World

TODAY = date(2025, 6, 30)


def setup(session: Session, world: World) -> None:
    world.ids["asset.printer"] = register.save_asset(session, AssetInput(
        "喷墨打印机", AssetCategory.EQUIPMENT, date(2023, 3, 1), "549", model_spec="惠普 DeskJet 2729"), today=TODAY)


def _register(session: Session, world: World) -> None:
    register.save_asset(session, AssetInput("笔记本电脑", AssetCategory.EQUIPMENT, date(2025, 5, 6), "4599"),
                        today=TODAY)


def _dispose(session: Session, world: World) -> None:
    events.record_event(session, world.ids["asset.printer"], EventInput(
        EventKind.DISPOSE, date(2025, 6, 2), approver="李站长", reason="无法修复"), today=TODAY)


PROBES = {Permission.ASSET_EDIT: _register, Permission.ASSET_DISPOSE: _dispose}
