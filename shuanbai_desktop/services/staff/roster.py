"""The roster (人员名册, R2.1): create and edit a worker's file, list the staff (masked).

Files are kept with ``Permission.STAFF_EDIT`` (also needed to read one file unmasked); the list is
masked and open to every user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...data.models import ServicePoint, User, Village
from ...data.models.staff import StaffContract, StaffMember, StaffPayLevel, StaffVillage
from ...domain.idcard import age_on, mask_id_number, parse_id_number
from ...domain.phone import mask_phone, validate_phone
from ...domain.pinyin import name_search_keys
from ...domain.staff_labels import Certificate, Education, Post, Source, StaffRole, StaffStatus
from ...domain.staff_pay_rules import seniority_years
from ...domain.staff_rules import add_years
from ...errors import UserError
from ..fields import clean_text, date_order, not_after
from ..permissions import Permission, require
from ..records import get_or_error, village_names
from .common import member, pairs
from .links import sync_liaison

ROLE_ORDER = {role: i for i, role in enumerate(StaffRole)}


@dataclass(frozen=True)
class StaffInput:
    name: str
    id_number: str
    education: Education
    role: StaffRole
    source: Source
    hire_date: date
    phone: str = ""
    major: str = ""
    certificate: Certificate = Certificate.NONE
    certificate_no: str = ""
    certificate_date: date | None = None
    supervisor_cert: bool = False
    supervisor_cert_no: str = ""
    is_liaison: bool = False
    point_id: int | None = None
    village_codes: tuple[str, ...] = ()
    career_start: date | None = None
    user_id: int | None = None
    pay_level_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class StaffRow:
    """What lists and ledgers show: ID number and phone masked."""

    id: int
    name: str
    sex: str
    age: int | None
    id_masked: str
    phone_masked: str
    education: Education
    major: str
    certificate: Certificate
    certificate_no: str
    supervisor_cert: bool
    role: StaffRole
    is_liaison: bool
    point_name: str
    village_names: tuple[str, ...]
    source: Source
    hire_date: date
    years: int
    status: StaffStatus
    leave_date: date | None
    leave_reason: str
    username: str
    pay_level: str
    contract_end: date | None

    @property
    def post(self) -> Post:
        return self.role.post

    @property
    def role_text(self) -> str:
        return self.role.label + ("（联络人）" if self.is_liaison else "")


@dataclass(frozen=True)
class StaffDetail:
    """The full record, for the edit form only (the ID number unmasked)."""

    id: int
    data: StaffInput
    sex: str
    birth_date: date | None
    status: StaffStatus
    leave_date: date | None
    leave_reason: str
    village_names: tuple[str, ...] = field(default=())
    version: int = 0  # what the form hands back to its save (a save from an older version is refused)


def _check_person(data: StaffInput, today: date) -> tuple[str, date, str]:
    info = parse_id_number(data.id_number, today)
    if age_on(info.birth_date, today) < 16:
        raise UserError("按身份证号计算，此人未满 16 周岁，不能录用。", field="身份证号")
    return info.number, info.birth_date, info.sex


def _check_dates(data: StaffInput, birth: date, today: date) -> None:
    if data.hire_date < add_years(birth, 16):
        raise UserError("入职日期早于此人年满 16 周岁的日期，请核对。", field="入职日期")
    not_after(data.hire_date, add_years(today, 1), "入职日期", "一年以后")
    not_after(data.certificate_date, today, "取证日期")
    not_after(data.career_start, today, "从事社工起始日期")
    date_order(birth, data.career_start, "出生日期", "从事社工起始日期")


def _check_links(session: Session, data: StaffInput, staff_id: int | None) -> None:
    if data.point_id is not None:
        point = session.get(ServicePoint, data.point_id)
        if point is None or not point.active:
            raise UserError("所选社工点不存在或已撤销。", field="所在社工点")
    if data.is_liaison and (data.role is not StaffRole.SERVICE_WORKER or data.point_id is None):
        raise UserError("社工点联络人应为服务性岗位社工，并须选择所在社工点。", field="所在社工点")
    known = set(session.scalars(select(Village.code)))
    if any(code not in known for code in data.village_codes):
        raise UserError("所选村(居)不属于本站。", field="负责村(居)")
    if data.user_id is not None:
        if session.get(User, data.user_id) is None:
            raise UserError("所选登录账户不存在。", field="登录账户")
        other = session.scalar(select(StaffMember).where(StaffMember.user_id == data.user_id))
        if other is not None and other.id != staff_id:
            raise UserError(f"该登录账户已关联到“{other.name}”的档案。", field="登录账户")
    if data.pay_level_id is not None and session.get(StaffPayLevel, data.pay_level_id) is None:
        raise UserError("所选薪酬等级不存在，请在“设置 → 薪酬标准表”中核对。", field="薪酬等级")


def _validated(session: Session, data: StaffInput, staff_id: int | None, today: date):
    name = clean_text(data.name, "姓名", 40, required=True)
    number, birth, sex = _check_person(data, today)
    clash = session.scalar(select(StaffMember).where(StaffMember.id_number == number))
    if clash is not None and clash.id != staff_id:
        raise UserError(f"身份证号 {mask_id_number(number)} 已登记在“{clash.name}”名下，不能重复登记。",
                        field="身份证号")
    _check_dates(data, birth, today)
    _check_links(session, data, staff_id)
    return name, number, birth, sex


def staff_values(session: Session, data: StaffInput, staff_id: int | None, today: date) -> dict:
    """The columns of a worker's file from ``data``, every rule of the form checked; nothing is written
    (``save_staff`` stores them; the roster import checks its rows with it)."""
    name, number, birth, sex = _validated(session, data, staff_id, today)
    certified = Certificate(data.certificate).certified
    pinyin, initials = name_search_keys(name)
    return dict(
        name=name, name_pinyin=pinyin, name_initials=initials, id_number=number, birth_date=birth, sex=sex,
        phone=validate_phone(data.phone or "", field="联系电话"), education=Education(data.education).value,
        major=clean_text(data.major, "专业", 60), certificate=Certificate(data.certificate).value,
        certificate_no=clean_text(data.certificate_no, "证书编号", 40) if certified else "",
        certificate_date=data.certificate_date if certified else None,
        supervisor_cert=bool(data.supervisor_cert),
        supervisor_cert_no=clean_text(data.supervisor_cert_no, "督导证编号", 40) if data.supervisor_cert else "",
        role=StaffRole(data.role).value, is_liaison=data.is_liaison, point_id=data.point_id,
        source=Source(data.source).value, hire_date=data.hire_date, career_start=data.career_start,
        user_id=data.user_id, pay_level_id=data.pay_level_id, notes=clean_text(data.notes, "备注", 1000))


def save_staff(session: Session, data: StaffInput, staff_id: int | None = None, today: date | None = None,
               version: int | None = None) -> int:
    """Create (``staff_id`` None) or update a worker's file; every rule checked before anything is written.
    ``version``: the ``StaffDetail.version`` the form was opened on (a save after someone else's is refused)."""
    require(session, Permission.STAFF_EDIT)
    today = today or date.today()
    values = staff_values(session, data, staff_id, today)
    row = (get_or_error(session, StaffMember, staff_id, "工作人员档案", version) if staff_id
           else StaffMember(status=StaffStatus.ACTIVE.value))
    for key, value in values.items():
        setattr(row, key, value)
    if staff_id is None:
        session.add(row)
    _set_villages(row, data.village_codes)
    session.flush()
    sync_liaison(session, row)
    return row.id


def _set_villages(row: StaffMember, codes: tuple[str, ...]) -> None:
    current = {v.village_code: v for v in row.villages}
    for code in set(current) - set(codes):
        row.villages.remove(current[code])
    for code in sorted(set(codes) - set(current)):
        row.villages.append(StaffVillage(village_code=code))


def get_staff(session: Session, staff_id: int) -> StaffDetail:
    """The full record (ID number and phone unmasked) for the edit form: whoever keeps the files."""
    require(session, Permission.STAFF_EDIT)
    s = member(session, staff_id)
    data = StaffInput(
        s.name, s.id_number, Education(s.education), StaffRole(s.role), Source(s.source), s.hire_date, s.phone,
        s.major, Certificate(s.certificate), s.certificate_no, s.certificate_date, s.supervisor_cert,
        s.supervisor_cert_no, s.is_liaison, s.point_id, tuple(sorted(v.village_code for v in s.villages)),
        s.career_start, s.user_id, s.pay_level_id, s.notes)
    names = _lookups(session)["villages"]
    return StaffDetail(s.id, data, s.sex, s.birth_date, StaffStatus(s.status), s.leave_date, s.leave_reason,
                       tuple(names.get(c, c) for c in data.village_codes), s.version)


def _lookups(session: Session) -> dict[str, dict]:
    return {"villages": village_names(session),
            "points": pairs(session, select(ServicePoint.id, ServicePoint.name)),
            "users": pairs(session, select(User.id, User.username)),
            "levels": pairs(session, select(StaffPayLevel.id, StaffPayLevel.name))}


def _contract_ends(session: Session) -> dict[int, date]:
    """Each worker's latest contract end date (of contracts not terminated)."""
    query = (select(StaffContract.staff_id, func.max(StaffContract.end_date))
             .where(StaffContract.terminated_on.is_(None)).group_by(StaffContract.staff_id))
    return pairs(session, query)


def _row(s: StaffMember, names: dict[str, dict], ends: dict[int, date], today: date) -> StaffRow:
    village_names = tuple(names["villages"].get(v.village_code, v.village_code)
                          for v in sorted(s.villages, key=lambda v: v.village_code))
    return StaffRow(
        s.id, s.name, s.sex, age_on(s.birth_date, today) if s.birth_date and s.birth_date <= today else None,
        mask_id_number(s.id_number), mask_phone(s.phone), Education(s.education), s.major,
        Certificate(s.certificate), s.certificate_no, s.supervisor_cert, StaffRole(s.role), s.is_liaison,
        names["points"].get(s.point_id, ""), village_names, Source(s.source), s.hire_date,
        seniority_years(s.career_start or s.hire_date, today), StaffStatus(s.status), s.leave_date,
        s.leave_reason, names["users"].get(s.user_id, ""), names["levels"].get(s.pay_level_id, ""),
        ends.get(s.id))


def sort_key(row: StaffRow):
    return (row.status is not StaffStatus.ACTIVE, ROLE_ORDER[row.role], row.point_name, row.hire_date, row.name)


def list_staff(session: Session, status: StaffStatus | None = StaffStatus.ACTIVE, text: str = "",
               today: date | None = None) -> list[StaffRow]:
    """Workers in roster order (station posts first, then by service point); ``status`` None: everyone."""
    query = select(StaffMember).options(selectinload(StaffMember.villages))
    if status is not None:
        query = query.where(StaffMember.status == StaffStatus(status).value)
    needle = (text or "").strip()
    if needle:
        key = needle.lower()
        query = query.where(StaffMember.name.contains(needle) | StaffMember.name_pinyin.startswith(key)
                            | StaffMember.name_initials.startswith(key))
    names, ends, today = _lookups(session), _contract_ends(session), today or date.today()
    return sorted((_row(s, names, ends, today) for s in session.scalars(query)), key=sort_key)


def delete_staff(session: Session, staff_id: int) -> None:
    """Only a record entered by mistake (no contracts, trainings, pay or assessments) may be deleted."""
    require(session, Permission.STAFF_EDIT)
    from .links import has_history
    row = member(session, staff_id)
    if has_history(session, staff_id):
        raise UserError(f"“{row.name}”已有合同、培训、工资、考核或走访记录，不能删除；离开本站的请办理离职。")
    session.delete(row)
