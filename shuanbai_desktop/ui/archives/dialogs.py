"""Dialogs of the archive area: lend, return, renew; extend retention, record a destruction."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QLabel, QLineEdit
from sqlalchemy.orm import Session

from ...domain.archive_rules import DEFAULT_LOAN_DAYS
from ...services.archives import lending, retention
from ...services.archives.catalogue import ArchiveRow
from ...services.archives.lending import LoanInput, LoanRow
from ...services.archives.retention import DestructionInput
from ...services.records import active_user_names
from ..context import AppContext
from ..form_dialog import FormDialog
from ..widgets import date_edit, date_value, name_combo


def _line(limit: int, text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text, placeholderText=placeholder)
    edit.setMaxLength(limit)
    return edit


class LendDialog(FormDialog):
    def __init__(self, ctx: AppContext, record: ArchiveRow, parent=None):
        approval = f"该档案密级为“{record.confidentiality.label}”，须填写批准人。" \
            if record.confidentiality.needs_approval else "批准人可不填。"
        super().__init__(ctx, f"借出档案：{record.number}", f"借阅期限一般不超过 {DEFAULT_LOAN_DAYS} 天，最长 90 天；"
                         f"{approval}到期未还的会在工作台提醒。", parent)
        self._record = record
        with ctx.session() as s:
            names = lending.borrower_names(s)
        self.add("档案", QLabel(f"{record.number}　{record.title}"))
        self.borrower = self.add("借阅人", name_combo(names))
        self.unit = self.add("借阅单位", _line(60, placeholder="本站人员可不填；外单位请写单位名称"))
        self.purpose = self.add("借阅目的", _line(100, placeholder="例如：核对资料、检查调阅"))
        self.approver = self.add("批准人", _line(40))
        self.lent_on = self.add("借出日期", date_edit())
        self.due_on = self.add("应还日期", date_edit(date.today() + timedelta(days=DEFAULT_LOAN_DAYS)))

    def write(self, session: Session, today: date | None) -> None:
        lending.lend(session, self._record.id, LoanInput(
            self.borrower.currentText(), self.purpose.text(), date_value(self.lent_on), date_value(self.due_on),
            self.unit.text(), approver=self.approver.text()), today=today)


class ReturnDialog(FormDialog):
    def __init__(self, ctx: AppContext, loan: LoanRow, parent=None):
        super().__init__(ctx, f"归还档案：{loan.number}", "请核对页数是否齐全、有无损坏，再登记归还。", parent)
        self._loan = loan
        self.add("档案", QLabel(f"{loan.number}　{loan.title}"))
        self.add("借阅", QLabel(f"{loan.borrower_text}，{loan.lent_on:%Y-%m-%d} 借出，应还 {loan.due_on:%Y-%m-%d}"))
        self.returned_on = self.add("归还日期", date_edit())
        self.note_edit = self.add("归还说明", _line(200, "完好"))

    def write(self, session: Session, today: date | None) -> None:
        lending.return_loan(session, self._loan.id, date_value(self.returned_on), self.note_edit.text(), today=today)


class RenewDialog(FormDialog):
    def __init__(self, ctx: AppContext, loan: LoanRow, parent=None):
        super().__init__(ctx, f"续借：{loan.number}", "续借后的应还日期须晚于原应还日期，最晚为今天起 90 天。", parent)
        self._loan = loan
        self.add("原应还日期", QLabel(f"{loan.due_on:%Y-%m-%d}"))
        self.due_on = self.add("应还日期", date_edit(max(loan.due_on, date.today()) + timedelta(days=DEFAULT_LOAN_DAYS)))

    def write(self, session: Session, today: date | None) -> None:
        lending.renew(session, self._loan.id, date_value(self.due_on), today=today)


class ExtendDialog(FormDialog):
    def __init__(self, ctx: AppContext, files: list[ArchiveRow], parent=None):
        super().__init__(ctx, "延长保管", "经鉴定仍有保存价值的档案延长保管；到期后会再次列入待鉴定。", parent)
        self._ids = [f.id for f in files]
        self.add("档案", QLabel(_numbers(files)))
        self.until = self.add("延长保管至", date_edit(date(date.today().year + 10, 12, 31)))
        self.opinion = self.add("鉴定意见", _line(200, placeholder="例如：涉及工伤认定，仍需保存"))

    def write(self, session: Session, today: date | None) -> None:
        retention.extend_retention(session, self._ids, date_value(self.until), self.opinion.text(), today=today)


class DestroyDialog(FormDialog):
    def __init__(self, ctx: AppContext, files: list[ArchiveRow], parent=None):
        super().__init__(ctx, "登记销毁", "销毁须经批准，由批准人以外的人员监销。登记后目录中保留这些档案的记录（标为已销毁），"
                         "并可打印销毁清册存档。", parent)
        self._ids = [f.id for f in files]
        self.destruction_id: int | None = None
        with ctx.session() as s:
            names = active_user_names(s)
        self.add("档案", QLabel(_numbers(files)))
        self.approved = self.add("批准人", name_combo(names))
        self.reference = self.add("批准文号", _line(60, placeholder="批准销毁的文件或审批表编号"))
        self.supervisor = self.add("监销人", name_combo(names))
        self.method = self.add("销毁方式", name_combo(["粉碎", "焚毁", "化浆"], "粉碎", "选择或输入"))
        self.reason = self.add("销毁原因", _line(200, "保管期满，经鉴定无继续保存价值"))
        self.destroyed_on = self.add("销毁日期", date_edit())

    def write(self, session: Session, today: date | None) -> None:
        self.destruction_id = retention.destroy(session, self._ids, DestructionInput(
            date_value(self.destroyed_on), self.approved.currentText(), self.supervisor.currentText(),
            self.reference.text(), self.method.currentText(), self.reason.text()), today=today)


def _numbers(files: list[ArchiveRow]) -> str:
    shown = "、".join(f.number for f in files[:4])
    return f"{shown}{'等' if len(files) > 4 else ''}，共 {len(files)} 件"
