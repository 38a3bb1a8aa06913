"""劳动合同: contracts of workers already on the roster, each row checked by the contract form's rules
(``contracts.checked_contract``: dates, probation, overlap with the worker's other contracts, employer).

The worker is found by ID number, else by name (exactly one worker of that name); a row matches a contract
already there by worker + start date. A new contract that starts the day after another of the same worker
ends (neither terminated nor renewed) is stored as its renewal (续签自), as the contract history shows it.
docs/import.md “人员、合同、资产、档案”.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....data.models.staff import StaffContract, StaffMember, StaffPayLevel
from ....domain.idcard import mask_id_number, normalize_id_number
from ....domain.staff_rules import overlaps
from ...permissions import Permission, require
from ...records import get_or_error
from ...staff import contracts
from ...staff.common import member
from ..base import Checked, Existing, Field, FieldType, ImportKind, RowInvalid, WriteResult
from .rowtools import (
    WorkerIndex,
    differences,
    given,
    keys_by_title,
    merge,
    optional_id,
    pick,
    rule,
    stamped,
    titles_of,
    whole_number,
)

FIELDS = (
    Field("staff_name", "姓名", synonyms=("员工姓名", "社工姓名", "乙方", "乙方姓名", "劳动者", "劳动者姓名"),
          hint="与身份证号至少填一项；按身份证号（没有时按姓名）对应花名册中的工作人员"),
    Field("staff_id_number", "身份证号", FieldType.ID_NUMBER, sensitive=True,
          synonyms=("身份证号码", "公民身份号码", "证件号码", "乙方身份证号", "身份证")),
    Field("number", "合同编号", synonyms=("合同号", "合同编码")),
    Field("employer", "用人单位", synonyms=("甲方", "甲方单位", "聘用单位", "签约单位"),
          hint="空着时为本站所在的乡镇人民政府（街道办事处）"),
    Field("signed_on", "签订日期", FieldType.DATE, synonyms=("签订时间", "签约日期", "签订合同日期")),
    Field("start_date", "起始日期", FieldType.DATE, required=True,
          synonyms=("合同起始日期", "开始日期", "合同开始日期", "生效日期", "起始时间", "合同期限起", "聘用起始日期",
                    "起聘日期")),
    Field("end_date", "终止日期", FieldType.DATE, required=True,
          synonyms=("合同终止日期", "结束日期", "到期日期", "合同到期日期", "终止时间", "合同期限止", "截止日期",
                    "到期时间")),
    Field("probation_months", "试用期", FieldType.NUMBER, synonyms=("试用期（月）", "试用期(月)", "试用期月数"),
          hint="月数，0 到 6"),
    Field("pay_level_id", "薪酬等级", FieldType.CHOICE, synonyms=("薪级", "工资等级", "薪酬档次")),
    Field("notes", "备注", synonyms=("说明",)),
)

_TITLES = keys_by_title(FIELDS)
_INPUT_KEYS = ("start_date", "end_date", "employer", "number", "signed_on", "probation_months", "pay_level_id",
               "notes")
_COLUMN_TITLES = {"start_date": "起始日期", "end_date": "终止日期", "employer": "用人单位", "number": "合同编号",
                  "signed_on": "签订日期", "probation_months": "试用期", "pay_level_id": "薪酬等级", "notes": "备注"}


@dataclass(kw_only=True)
class ContractContext(WorkerIndex):
    session: Session
    today: date
    contracts: dict[tuple[int, date], int] = field(default_factory=dict)  # (worker, start) → contract id
    in_file: dict[int, dict[int, tuple[date, date]]] = field(default_factory=dict)  # worker → row → term


def _current(c: StaffContract) -> contracts.ContractInput:
    return contracts.ContractInput(c.start_date, c.end_date, c.employer, c.number, c.signed_on, c.probation_months,
                                   c.pay_level_id, c.notes)


class ContractSpec:
    kind = ImportKind.CONTRACTS
    fields = FIELDS
    key_field = "start_date"  # a repeated key is reported at this column (batch.py)

    def row_key(self, values: MappingABC[str, Any]) -> str:
        """A row that failed (e.g. its worker is not on the roster) claims no key: the start date alone
        would pair rows of different workers as duplicates."""
        return ""
    tables: tuple[type, ...] = (StaffContract,)
    children: tuple[type, ...] = ()

    def choices(self, session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
        levels = session.execute(select(StaffPayLevel.id, StaffPayLevel.name).order_by(StaffPayLevel.id))
        return {"pay_level_id": tuple((str(lid), name) for lid, name in levels)}

    def start(self, session: Session, today: date) -> ContractContext:
        context = ContractContext(session=session, today=today)
        context.load_workers(session)
        for contract_id, staff_id, start in session.execute(select(StaffContract.id, StaffContract.staff_id,
                                                                   StaffContract.start_date)):
            context.contracts[(staff_id, start)] = contract_id
        return context

    def check(self, context: ContractContext, values: MappingABC[str, Any], row: int) -> Checked:
        data = given(values, tuple(f.key for f in FIELDS))
        staff = member(context.session, self._worker(context, data))
        if "probation_months" in data:
            data["probation_months"] = whole_number(data["probation_months"], "probation_months", "试用期")
        if "pay_level_id" in data:
            data["pay_level_id"] = optional_id(data["pay_level_id"])
        wanted = {k: v for k, v in data.items() if k in _INPUT_KEYS}
        missing = [(k, f"{_COLUMN_TITLES[k]}不能为空。") for k in ("start_date", "end_date") if k not in wanted]
        if missing:
            raise RowInvalid(missing)
        key = f"{staff.id}|{wanted['start_date']:%Y-%m-%d}"
        contract_id = context.contracts.get((staff.id, wanted["start_date"]))
        if contract_id is not None:
            record = get_or_error(context.session, StaffContract, contract_id, "合同记录")
            merged = merge(_current(record), wanted)
            rule(_TITLES, contracts.checked_contract, context.session, staff, merged.fill, contract_id, context.today)
            clean = rule(_TITLES, contracts.checked_contract, context.session, staff, merged.overwrite, contract_id,
                         context.today)
            changes = titles_of(differences(record, asdict(clean)), _COLUMN_TITLES)
            return Checked(row, {"merged": merged, "staff_id": staff.id}, existing_id=contract_id, changes=changes,
                           key=key)
        entry = contracts.ContractInput(**wanted)
        self._no_overlap_in_file(context, staff, entry, row)
        rule(_TITLES, contracts.checked_contract, context.session, staff, entry, None, context.today)
        context.in_file.setdefault(staff.id, {})[row] = (entry.start_date, entry.end_date)
        return Checked(row, {"input": entry, "staff_id": staff.id}, key=key)

    def _worker(self, context: ContractContext, data: dict[str, Any]) -> int:
        name = str(data.get("staff_name", ""))
        number = normalize_id_number(str(data.get("staff_id_number", "")))
        if number:
            staff_id = context.by_number.get(number)
            if staff_id is None:
                raise RowInvalid([("staff_id_number", f"花名册中没有身份证号为 {mask_id_number(number)} 的工作人员，"
                                                      "请先导入或录入人员花名册。")])
            if name and name != context.names[staff_id]:
                raise RowInvalid([("staff_name", f"姓名“{name}”与花名册中该身份证号的工作人员"
                                                 f"“{context.names[staff_id]}”不一致，请核对。")])
            return staff_id
        if not name:
            raise RowInvalid([("staff_name", "请填写工作人员的姓名或身份证号（姓名不能为空）。")])
        namesakes = context.by_name.get(name, [])
        if not namesakes:
            raise RowInvalid([("staff_name", f"花名册中没有叫“{name}”的工作人员，请先导入或录入人员花名册。")])
        if len(namesakes) > 1:
            raise RowInvalid([("staff_id_number", f"花名册中有 {len(namesakes)} 名叫“{name}”的工作人员，"
                                                  "请填写身份证号以便对应。")])
        return namesakes[0]

    def _no_overlap_in_file(self, context: ContractContext, staff: StaffMember, entry: contracts.ContractInput,
                            row: int) -> None:
        for other_row, (start, end) in sorted(context.in_file.get(staff.id, {}).items()):
            if other_row != row and overlaps(entry.start_date, entry.end_date, start, end):
                raise RowInvalid([("start_date", f"合同期限与本文件第 {other_row} 行“{staff.name}”的合同"
                                                 f"（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）重叠。同一人的合同期限不能重叠。")])

    def write(self, session: Session, context: ContractContext, rows: list[Checked], existing: Existing,
              batch_id: int, today: date) -> WriteResult:
        require(session, Permission.STAFF_EDIT)  # as add_contract / update_contract do
        created = updated = skipped = 0
        before: list[tuple[str, int, dict]] = []
        new = sorted((r for r in rows if r.existing_id is None),
                     key=lambda r: (r.values["staff_id"], r.values["input"].start_date))
        with stamped(session, self.tables, batch_id):
            for item in new:  # oldest first per worker: a renewal finds the contract it follows
                staff = member(session, item.values["staff_id"])
                entry = item.values["input"]
                contracts._insert(session, staff, entry, today, _renews(session, staff.id, entry.start_date))
                created += 1
            for item in rows:
                if item.existing_id is None:
                    continue
                if Existing(existing) is Existing.SKIP:
                    skipped += 1
                    continue
                entry = pick(existing, item.values["merged"])
                record = get_or_error(session, StaffContract, item.existing_id, "合同记录")
                staff = member(session, record.staff_id)
                old = differences(record, asdict(contracts.checked_contract(session, staff, entry, record.id, today)))
                if not old:
                    skipped += 1
                    continue
                contracts.update_contract(session, record.id, entry, today)
                before.append((StaffContract.__tablename__, record.id, old))
                updated += 1
        return WriteResult(created, updated, skipped, tuple(before))


def _renews(session: Session, staff_id: int, start: date) -> int | None:
    """The contract a new one follows without a gap (ends the day before it starts; not terminated, not yet
    renewed): the new one is its renewal."""
    renewed = select(StaffContract.previous_id).where(StaffContract.previous_id.is_not(None))
    return session.scalar(select(StaffContract.id).where(
        StaffContract.staff_id == staff_id, StaffContract.end_date == start - timedelta(days=1),
        StaffContract.terminated_on.is_(None), StaffContract.id.not_in(renewed)))


SPEC = ContractSpec()
