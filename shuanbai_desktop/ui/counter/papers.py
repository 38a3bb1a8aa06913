"""Print or save the 一次性告知单 / 转办单 of a registration; a printed paper is noted in its timeline."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from ...errors import UserError
from ...exports.window_pdf import render_notice, render_transfer
from ...services.window import documents, handling
from .. import messages
from ..context import AppContext
from .common import Printer, print_document, save_document

NOTICE, TRANSFER = "一次性告知单", "转办单"


def _renderer(ctx: AppContext, registration_id: int, kind: str):
    with ctx.session() as s:
        if kind == NOTICE:
            data = documents.notice_data(s, registration_id)
            return data.ticket_no, lambda target: render_notice(data, target)
        data = documents.transfer_data(s, registration_id)
        return data.ticket_no, lambda target: render_transfer(data, target)


def _paper(ctx: AppContext, parent: QWidget, registration_id: int | None, kind: str):
    """(ticket number, renderer) of a registration's paper, or None after telling the user why not."""
    if registration_id is None:
        messages.error(parent, "请先登记或在列表中选中一条登记。")
        return None
    try:
        return _renderer(ctx, registration_id, kind)
    except UserError as exc:
        messages.error(parent, exc.message)
        return None


def print_paper(ctx: AppContext, parent: QWidget, registration_id: int | None, kind: str,
                printer: Printer | None = None) -> bool:
    """Print dialog, then the paper; False when there is nothing to print or the user cancels."""
    paper = _paper(ctx, parent, registration_id, kind)
    if paper is None:
        return False
    ticket, render = paper
    if not print_document(parent, render, f"{kind}-{ticket}", printer):
        return False
    with ctx.session() as s:
        handling.record_print(s, registration_id, f"打印{kind}")
    return True


def save_paper(ctx: AppContext, parent: QWidget, registration_id: int | None, kind: str, saver=None) -> Path | None:
    """另存为 PDF (for e-mail or a USB stick); the file name carries the ticket number only."""
    paper = _paper(ctx, parent, registration_id, kind)
    if paper is None:
        return None
    ticket, render = paper
    saved = save_document(parent, render, f"{kind}-{ticket}", saver)
    if saved is not None:
        with ctx.session() as s:
            handling.record_print(s, registration_id, f"{kind}另存为 PDF")
    return saved
