"""The archive catalogue workbook (档案目录, DA/T 22 columns) with the lending register (借阅登记)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook

from .xlsx import save_atomic, write_table

if TYPE_CHECKING:
    from ..services.archives.catalogue import ArchiveRow
    from ..services.archives.lending import LoanRow

CATALOGUE_HEADERS = ("序号", "档号", "文号", "责任者", "题名", "日期", "页数", "密级", "保管期限", "保管至",
                     "存放位置", "所属", "状态", "备注")
CATALOGUE_WIDTHS = (6, 18, 16, 16, 36, 11, 6, 6, 8, 11, 10, 16, 8, 20)
LOAN_HEADERS = ("序号", "档号", "题名", "借阅人", "借阅单位", "借阅目的", "批准人", "借出日期", "应还日期", "归还日期",
                "状态")
LOAN_WIDTHS = (6, 18, 30, 10, 14, 22, 10, 11, 11, 11, 18)


def _file(i: int, r: ArchiveRow) -> list:
    return [i, r.number, r.doc_ref, r.responsible, r.title, r.doc_date, r.pages, r.confidentiality.label,
            r.retention.label, r.expiry or "永久", r.place_text, r.owner_text, r.state_text, r.notes]


def _loan(i: int, r: LoanRow) -> list:
    return [i, r.number, r.title, r.borrower_name, r.borrower_unit, r.purpose, r.approver, r.lent_on, r.due_on,
            r.returned_on, r.state_text]


def catalogue_xlsx(files: Sequence[ArchiveRow], loans: Sequence[LoanRow], station_name: str, as_of: str,
                   target: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "档案目录"
    write_table(ws, CATALOGUE_HEADERS, [_file(i, r) for i, r in enumerate(files, 1)], CATALOGUE_WIDTHS,
                title=f"{station_name}档案目录（{as_of}）")
    register = wb.create_sheet("借阅登记")
    write_table(register, LOAN_HEADERS, [_loan(i, r) for i, r in enumerate(loans, 1)], LOAN_WIDTHS,
                title=f"{station_name}档案借阅登记（{as_of}）")
    return save_atomic(wb, Path(target))
