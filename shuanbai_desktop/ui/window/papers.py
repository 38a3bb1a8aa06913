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


def print_paper(ctx: AppContext, parent: QWidget, registration_id: int | None, kind: str,
                printer: Printer | None = None) -> bool:
    """Print dialog, then the paper; False when there is nothing to print or the user cancels."""
    if registration_id is None:
        messages.error(parent, "请先登记或在列表中选中一条登记。")
        return False
    try:
        ticket, render = _renderer(ctx, registration_id, kind)
    except UserError as exc:
        messages.error(parent, exc.message)
        return False
    if not print_document(parent, render, f"{kind}-{ticket}", printer):
        return False
    with ctx.session() as s:
        handling.record_print(s, registration_id, f"打印{kind}")
    return True


def save_paper(ctx: AppContext, parent: QWidget, registration_id: int | None, kind: str, saver=None) -> Path | None:
    """另存为 PDF (for e-mail or a USB stick); the file name carries the ticket number only."""
    if registration_id is None:
        messages.error(parent, "请先登记或在列表中选中一条登记。")
        return None
    try:
        ticket, render = _renderer(ctx, registration_id, kind)
    except UserError as exc:
        messages.error(parent, exc.message)
        return None
    saved = save_document(parent, render, f"{kind}-{ticket}", saver)
    if saved is not None:
        with ctx.session() as s:
            handling.record_print(s, registration_id, f"{kind}另存为 PDF")
    return saved
