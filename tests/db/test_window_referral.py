"""Issue 15: 窗口转介 — a window matter becomes a case, linked both ways; attachments on a registration."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.domain.counter_labels import EventKind
from shuanbai_desktop.domain.target_labels import CaseSource
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import attachments
from shuanbai_desktop.services.targets import cases
from shuanbai_desktop.services.targets.case_detail import case_detail
from shuanbai_desktop.services.window import details, handling
from tests.conftest import BOTH

from .test_window_helpers import AT, win_fixture, win_template  # noqa: F401  (fixtures)

BACKENDS = BOTH

TODAY = date(2026, 11, 26)


def test_a_window_matter_becomes_a_case_once_and_each_names_the_other(win):
    saved = win.register("临时救助", description="家中失火")
    with win.db.session(win.worker.actor) as s:
        cid = cases.open_case_from_window(s, saved.id, win.zhang, "申请临时救助", "窗口登记：家中失火",
                                          win.worker.id, TODAY)
        detail = case_detail(s, cid)
        assert detail.window_matter_id == saved.id and detail.row.source is CaseSource.WINDOW
        assert detail.source_detail == f"窗口事项 {saved.ticket_no}"
        with pytest.raises(UserError, match="已转为个案"):
            cases.open_case_from_window(s, saved.id, win.zhang, "申请临时救助", "重复", win.worker.id, TODAY)
    with win.db.session() as s:
        matter = details.get_detail(s, saved.id, TODAY)
        assert matter.case_id == cid and matter.case_no == detail.row.case_no
        last = matter.timeline[-1]
        assert last.kind is EventKind.CASE and last.text == f"转为个案 {detail.row.case_no}" and last.actor == "黄志明"


def test_a_voided_or_unknown_matter_is_not_referred(win):
    saved = win.register("临时救助")
    with win.db.session(win.clerk.actor) as s:
        handling.void(s, saved.id, "登记错了", at=AT)
    with win.db.session(win.worker.actor) as s:
        with pytest.raises(UserError, match="已作废"):
            cases.open_case_from_window(s, saved.id, win.zhang, "申请临时救助", "x", win.worker.id, TODAY)
        with pytest.raises(UserError, match="窗口登记"):
            cases.open_case_from_window(s, 9999, win.zhang, "申请临时救助", "x", win.worker.id, TODAY)
    with win.db.session() as s:
        assert details.get_detail(s, saved.id, TODAY).case_id is None


def test_a_registration_takes_attachments_from_window_staff_only(win, tmp_path):
    saved = win.register("临时救助")
    scan = tmp_path / "申请表.pdf"
    scan.write_bytes(b"%PDF-1.4 form")
    with win.db.session(win.clerk.actor) as s:
        attachments.add_attachment(s, win.db.anchor, "window_registration", saved.id, scan, "申请表")
    with win.db.session(win.supervisor.actor) as s:
        with pytest.raises(UserError):
            attachments.add_attachment(s, win.db.anchor, "window_registration", saved.id, scan, "申请表")
    with win.db.session() as s:
        rows = attachments.list_attachments(s, win.db.anchor, "window_registration", saved.id)
    assert [r.description for r in rows] == ["申请表"]
