"""Labour contracts (R2.2, R2.3): history per worker, renewal with its eligibility rule, termination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.staff import StaffContract, StaffMember, StaffPayLevel
from ...data.models.staff_activity import StaffAssessment
from ...domain.staff_labels import Certificate, ContractStatus, Grade, StaffRole, StaffStatus
from ...domain.staff_rules import (
    Eligibility,
    check_contract_dates,
    contract_status,
    default_contract_end,
    overlaps,
    renewal_eligibility,
)
from ...errors import UserError
from ..fields import clean_text, date_order, not_after
from ..permissions import Permission, require
from ..records import get_or_error
from .common import employer_name, member, pairs


@dataclass(frozen=True)
class ContractInput:
    start_date: date
    end_date: date
    employer: str = ""
    number: str = ""
    signed_on: date | None = None
    probation_months: int = 0
    pay_level_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class ContractRow:
    id: int
    staff_id: int
    staff_name: str
    seq: int  # 1 for the worker's first contract
    number: str
    employer: str
    signed_on: date | None
    start_date: date
    end_date: date
    probation_months: int
    pay_level_id: int | None
    pay_level: str
    status: ContractStatus
    previous_id: int | None
    override_reason: str
    terminated_on: date | None
    termination_reason: str
    notes: str
    days_left: int
    version: int = 0  # what the form hands back to its save (a save from an older version is refused)

    @property
    def term_text(self) -> str:
        return f"{self.start_date:%Y-%m-%d} 至 {self.end_date:%Y-%m-%d}"


class RenewalNotEligible(UserError):
    """R2.3 not met: the administrator may still renew with a recorded reason."""

    def __init__(self, name: str, eligibility: Eligibility):
        super().__init__(f"“{name}”不符合续聘条件：{eligibility.text}。如确需续签，请由管理员填写特批理由。",
                         field="特批理由")
        self.eligibility = eligibility


def latest_assessment(session: Session, staff_id: int) -> tuple[int, Grade] | None:
    row = session.execute(select(StaffAssessment.year, StaffAssessment.grade)
                          .where(StaffAssessment.staff_id == staff_id)
                          .order_by(StaffAssessment.year.desc()).limit(1)).first()
    return (row[0], Grade(row[1])) if row else None


def renewal_check(session: Session, staff_id: int, renewal_start: date) -> Eligibility:
    s = member(session, staff_id)
    return renewal_eligibility(renewal_start, Certificate(s.certificate), s.certificate_date,
                               latest_assessment(session, staff_id))


def _effective_end(c: StaffContract) -> date:
    return min(c.end_date, c.terminated_on) if c.terminated_on else c.end_date


def checked_contract(session: Session, staff: StaffMember, data: ContractInput, contract_id: int | None,
                     today: date) -> ContractInput:
    """``data`` cleaned and checked by the form's rules (nothing written; the contract import uses it too)."""
    if staff.status != StaffStatus.ACTIVE.value and contract_id is None:
        raise UserError(f"“{staff.name}”已离职，不能再签订合同。")
    check_contract_dates(data.start_date, data.end_date, data.probation_months)
    not_after(data.signed_on, today, "签订日期")
    if data.pay_level_id is not None and session.get(StaffPayLevel, data.pay_level_id) is None:
        raise UserError("所选薪酬等级不存在。", field="薪酬等级")
    others = session.scalars(select(StaffContract).where(StaffContract.staff_id == staff.id))
    for other in others:
        if other.id != contract_id and overlaps(data.start_date, data.end_date, other.start_date,
                                                _effective_end(other)):
            raise UserError(f"合同期限与“{staff.name}”已有的合同（{other.start_date:%Y-%m-%d} 至 "
                            f"{_effective_end(other):%Y-%m-%d}）重叠。同一人的合同期限不能重叠。", field="起始日期")
    employer = clean_text(data.employer, "用人单位", 60) or employer_name(session)
    if not employer:
        raise UserError("用人单位不能为空。", field="用人单位")
    return ContractInput(data.start_date, data.end_date, employer, clean_text(data.number, "合同编号", 40),
                         data.signed_on, data.probation_months, data.pay_level_id, clean_text(data.notes, "备注", 200))


def _apply(row: StaffContract, data: ContractInput) -> None:
    row.start_date = data.start_date
    row.end_date = data.end_date
    row.employer = data.employer
    row.number = data.number
    row.signed_on = data.signed_on
    row.probation_months = data.probation_months
    row.pay_level_id = data.pay_level_id
    row.notes = data.notes


def add_contract(session: Session, staff_id: int, data: ContractInput, today: date | None = None) -> int:
    """A new contract (the first, or after a gap); a renewal goes through ``renew_contract``."""
    require(session, Permission.STAFF_EDIT)
    return _insert(session, member(session, staff_id), data, today or date.today())


def _insert(session: Session, staff: StaffMember, data: ContractInput, today: date, previous_id: int | None = None,
            override_reason: str = "") -> int:
    row = StaffContract(staff_id=staff.id, previous_id=previous_id, override_reason=override_reason)
    _apply(row, checked_contract(session, staff, data, None, today))
    session.add(row)
    session.flush()
    return row.id


def update_contract(session: Session, contract_id: int, data: ContractInput, today: date | None = None,
                    version: int | None = None) -> None:
    """Correct a contract; ``version``: the ``ContractRow.version`` the form was opened on (a save after
    someone else's is refused)."""
    require(session, Permission.STAFF_EDIT)
    row = get_or_error(session, StaffContract, contract_id, "合同记录", version)
    _apply(row, checked_contract(session, member(session, row.staff_id), data, contract_id,
                                 today or date.today()))


def _contract(session: Session, contract_id: int) -> StaffContract:
    return get_or_error(session, StaffContract, contract_id, "合同记录")


def renewal_defaults(session: Session, contract_id: int) -> ContractInput:
    """The next contract: from the day after the old one ends, a 3-year term, same employer and level."""
    old = _contract(session, contract_id)
    start = old.end_date + timedelta(days=1)
    return ContractInput(start, default_contract_end(start), old.employer, "", None, 0, old.pay_level_id)


def renew_contract(session: Session, contract_id: int, data: ContractInput, override_reason: str = "",
                   today: date | None = None) -> int:
    """Create the next contract; refused when R2.3 is not met, unless a reason for the exception is recorded.

    Renewing needs ``Permission.STAFF_EDIT``, which only the administrator (站长/副站长) holds: the
    exception (特批) is the administrator's by the permission table, not by a flag passed in.
    """
    require(session, Permission.STAFF_EDIT)
    old = _contract(session, contract_id)
    staff = member(session, old.staff_id)
    if old.terminated_on is not None:
        raise UserError("这份合同已解除，不能续签；如重新聘用，请新签合同。")
    if session.scalar(select(StaffContract.id).where(StaffContract.previous_id == contract_id)):
        raise UserError("这份合同已经续签过了。")
    eligibility = renewal_check(session, staff.id, data.start_date)
    reason = clean_text(override_reason, "特批理由", 200)
    if not eligibility.eligible:
        if not reason:
            raise RenewalNotEligible(staff.name, eligibility)
    override = "" if eligibility.eligible else f"{reason}（不符合：{eligibility.text}）"[:200]
    return _insert(session, staff, data, today or date.today(), contract_id, override)


def terminate_contract(session: Session, contract_id: int, on: date, reason: str) -> None:
    require(session, Permission.STAFF_EDIT)
    row = _contract(session, contract_id)
    if row.terminated_on is not None:
        raise UserError("这份合同已经解除了。")
    date_order(row.start_date, on, "合同起始日期", "解除日期")
    if on > row.end_date:
        raise UserError("解除日期不能晚于合同终止日期（到期的合同无需解除）。", field="解除日期")
    row.terminated_on = on
    row.termination_reason = clean_text(reason, "解除原因", 200, required=True)


def _rows(session: Session, contracts: list[StaffContract], today: date) -> list[ContractRow]:
    renewed = set(session.scalars(select(StaffContract.previous_id).where(StaffContract.previous_id.is_not(None))))
    names = pairs(session, select(StaffMember.id, StaffMember.name))
    levels = pairs(session, select(StaffPayLevel.id, StaffPayLevel.name))
    seqs: dict[int, int] = {}
    out = []
    for c in sorted(contracts, key=lambda c: (c.staff_id, c.start_date)):
        seqs[c.staff_id] = seqs.get(c.staff_id, 0) + 1
        status = contract_status(c.start_date, c.end_date, c.terminated_on, c.id in renewed, today)
        out.append(ContractRow(c.id, c.staff_id, names.get(c.staff_id, ""), seqs[c.staff_id], c.number, c.employer,
                               c.signed_on, c.start_date, c.end_date, c.probation_months,
                               c.pay_level_id, levels.get(c.pay_level_id, ""), status, c.previous_id, c.override_reason,
                               c.terminated_on, c.termination_reason, c.notes, (c.end_date - today).days,
                               c.version))
    return out


def contracts_of(session: Session, staff_id: int, today: date | None = None) -> list[ContractRow]:
    """A worker's contract history, oldest first."""
    found = list(session.scalars(select(StaffContract).where(StaffContract.staff_id == staff_id)))
    return _rows(session, found, today or date.today())


def all_contracts(session: Session, today: date | None = None) -> list[ContractRow]:
    return _rows(session, list(session.scalars(select(StaffContract))), today or date.today())


@dataclass(frozen=True)
class CurrentContract:
    """One line per worker on the staff: their latest contract and whether it may be renewed."""

    staff_id: int
    name: str
    role: StaffRole
    certificate: Certificate
    contract: ContractRow | None
    eligibility: Eligibility | None  # for a renewal from the day after the contract ends

    @property
    def needs_action(self) -> bool:
        return self.contract is None or self.contract.status in (ContractStatus.EXPIRED, ContractStatus.TERMINATED)


def current_contracts(session: Session, today: date | None = None) -> list[CurrentContract]:
    today = today or date.today()
    latest: dict[int, ContractRow] = {}
    for row in all_contracts(session, today):
        latest[row.staff_id] = row  # rows come oldest first per worker
    staff = session.scalars(select(StaffMember).where(StaffMember.status == StaffStatus.ACTIVE.value)
                            .order_by(StaffMember.hire_date, StaffMember.id))
    out = []
    for s in staff:
        c = latest.get(s.id)
        check = renewal_check(session, s.id, c.end_date + timedelta(days=1)) if c else None
        out.append(CurrentContract(s.id, s.name, StaffRole(s.role), Certificate(s.certificate), c, check))
    return out
