"""Probe for 导入数据: importing a one-row residents ledger (DATA_IMPORT, administrators only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shuanbai_desktop.services.importing import batch
from shuanbai_desktop.services.importing.base import Column, Existing, ImportKind, Mapping
from shuanbai_desktop.services.importing.table import Table
from shuanbai_desktop.services.permissions import Permission

from . import World

TODAY = date(2025, 6, 30)


def _import(session: Session, world: World) -> None:
    columns = (Column(0, "A", "姓名"), Column(1, "B", "身份证号"))
    table = Table("Sheet1", columns, (1,), ((2, ("上官秀英", "440524195003030022")),), ())
    batch.run_import(session, ImportKind.RESIDENTS, table, Mapping({"name": 0, "id_number": 1}), Existing.SKIP,
                     batch.SourceRef("低保名册.xlsx", "0" * 64, "Sheet1"), TODAY)


PROBES = {Permission.DATA_IMPORT: _import}
