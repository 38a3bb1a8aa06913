"""Probes for 档案: lending a file (ARCHIVE_EDIT) and recording a destruction (ARCHIVE_DESTROY)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shuanbai_desktop.domain.archive_rules import ArchiveCategory, Retention
from shuanbai_desktop.services.archives import catalogue, lending, retention
from shuanbai_desktop.services.archives.catalogue import ArchiveInput
from shuanbai_desktop.services.permissions import Permission

from . import World

TODAY = date(2025, 6, 30)


def setup(session: Session, world: World) -> None:
    world.ids["archive.current"] = catalogue.save_file(session, ArchiveInput(
        "2024年度工作总结", ArchiveCategory.DOCUMENTS, 2024, Retention.Y30, 12, filed_on=date(2025, 1, 10)),
        today=TODAY)
    world.ids["archive.expired"] = catalogue.save_file(session, ArchiveInput(
        "2012年社区综合服务中心服务台账", ArchiveCategory.SERVICE, 2012, Retention.Y10, 60,
        filed_on=date(2013, 1, 10)), today=TODAY)


def _lend(session: Session, world: World) -> None:
    lending.lend(session, world.ids["archive.current"], lending.LoanInput(
        "陈晓红", "准备年度考核", date(2025, 6, 20), date(2025, 7, 4)), today=TODAY)


def _destroy(session: Session, world: World) -> None:
    retention.destroy(session, [world.ids["archive.expired"]], retention.DestructionInput(
        date(2025, 6, 28), approved_by="李站长", supervisor="陈晓红"), today=TODAY)


PROBES = {Permission.ARCHIVE_EDIT: _lend, Permission.ARCHIVE_DESTROY: _destroy}
