"""Community organisations fostered by the station (社区社会组织培育, 五社联动, R4.5).

A register of organisations (kind, founded, contact, members, status, the station's fostering support);
activities, volunteers and linked resources name their organisation (``org_id``). An organisation is
never deleted: it is marked 已停止活动 with the day, and from then on it no longer counts.
Writing needs ``Permission.CASE_OPEN`` (as volunteers and activities do).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...data.models.organisations import CommunityOrg
from ...data.models.targets import Activity, ResourceLink, Volunteer, VolunteerHours
from ...domain.org_labels import OrgKind, OrgStatus, OrgSupport
from ...domain.phone import mask_phone, validate_phone
from ...errors import UserError
from ..fields import clean_text, date_order, optional_day, optional_number, past_day
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new, village_names

MAX_MEMBERS = 100000


@dataclass(frozen=True)
class OrgInput:
    name: str
    kind: OrgKind
    village_code: str | None
    founded_on: date | str | None  # typed text is accepted (optional_day)
    fostered_since: date
    contact_name: str = ""
    contact_phone: str = ""
    members: int | str = 0
    status: OrgStatus = OrgStatus.FOSTERING
    stopped_on: date | str | None = None
    support: tuple[OrgSupport, ...] = ()
    support_note: str = ""
    version: int | None = None  # get_org: the record's version, for the form to hand back to save_org


@dataclass(frozen=True)
class OrgRow:
    id: int
    name: str
    kind: OrgKind
    village_name: str
    founded_on: date | None
    fostered_since: date
    contact_name: str
    contact_phone_masked: str
    members: int
    status: OrgStatus
    stopped_on: date | None
    support: tuple[OrgSupport, ...]
    support_note: str
    volunteers: int
    activities: int
    resources: int
    resources_value: Decimal

    @property
    def support_text(self) -> str:
        return "、".join(s.label for s in self.support)


@dataclass(frozen=True)
class OrgChoice:
    id: int
    name: str


def _support(text: str) -> tuple[OrgSupport, ...]:
    return tuple(OrgSupport(code) for code in text.split(",") if code)


def _validated(session: Session, data: OrgInput, org_id: int | None, today: date) -> OrgInput:
    name = clean_text(data.name, "组织名称", 80, required=True)
    clash = session.scalar(select(CommunityOrg.id).where(CommunityOrg.name == name))
    if clash is not None and clash != org_id:
        raise UserError(f"已有名为“{name}”的社区组织。", field="组织名称")
    if data.village_code is not None and data.village_code not in village_names(session):
        raise UserError(f"村(居)代码 {data.village_code} 不属于本站。", field="所在村(居)")
    founded = optional_day(data.founded_on, "成立日期")
    if founded is not None:
        founded = past_day(founded, "成立日期", today)
    fostered = past_day(data.fostered_since, "纳入培育日期", today)
    if founded is not None:
        date_order(founded, fostered, "成立日期", "纳入培育日期")
    members = optional_number(data.members, "成员人数", places=0, minimum=0, maximum=MAX_MEMBERS, unit="人")
    status = OrgStatus(data.status)
    stopped = optional_day(data.stopped_on, "停止活动日期")
    if status is OrgStatus.STOPPED:
        if stopped is None:
            raise UserError("状态为“已停止活动”时，请填写停止活动日期。", field="停止活动日期")
        past_day(stopped, "停止活动日期", today)
        date_order(fostered, stopped, "纳入培育日期", "停止活动日期")
    else:
        stopped = None
    return OrgInput(name, OrgKind(data.kind), data.village_code, founded, fostered,
                    clean_text(data.contact_name, "联系人", 40),
                    validate_phone(data.contact_phone or "", field="联系电话"),
                    int(members or 0), status, stopped, tuple(OrgSupport(s) for s in data.support),
                    clean_text(data.support_note, "扶持情况", 500))


def save_org(session: Session, data: OrgInput, org_id: int | None = None, today: date | None = None,
             version: int | None = None) -> int:
    """``version``: the ``get_org(...).version`` the form was opened on (a save after someone else's is refused)."""
    require(session, Permission.CASE_OPEN)
    clean = _validated(session, data, org_id, today or date.today())
    row = get_or_new(session, CommunityOrg, org_id, "社区组织", version)
    row.name, row.kind, row.village_code = clean.name, clean.kind.value, clean.village_code
    row.founded_on = optional_day(clean.founded_on, "成立日期")  # already a date: typed for the checker
    row.fostered_since = clean.fostered_since
    row.contact_name, row.contact_phone = clean.contact_name, clean.contact_phone
    row.members = int(clean.members)
    row.status, row.stopped_on = clean.status.value, optional_day(clean.stopped_on, "停止活动日期")
    row.support = ",".join(s.value for s in OrgSupport if s in clean.support)
    row.support_note = clean.support_note
    session.add(row)
    session.flush()
    return row.id


def get_org(session: Session, org_id: int) -> OrgInput:
    """What the edit form shows (the full phone number: it is the form that changes it)."""
    require(session, Permission.CASE_OPEN)
    row = get_or_error(session, CommunityOrg, org_id, "社区组织")
    return OrgInput(row.name, OrgKind(row.kind), row.village_code, row.founded_on, row.fostered_since,
                    row.contact_name, row.contact_phone, row.members, OrgStatus(row.status), row.stopped_on,
                    _support(row.support), row.support_note, row.version)


def _counts(session: Session, column) -> dict[int, int]:
    rows = session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column))
    return {org: count for org, count in rows}


def list_orgs(session: Session, include_stopped: bool = True) -> list[OrgRow]:
    villages = village_names(session)
    volunteers = _counts(session, Volunteer.org_id)
    activities = _counts(session, Activity.org_id)
    resources: dict[int, tuple[int, Decimal]] = {}
    for org, count, value in session.execute(
            select(ResourceLink.org_id, func.count(), func.sum(ResourceLink.value_yuan))
            .where(ResourceLink.org_id.is_not(None)).group_by(ResourceLink.org_id)):
        if org is None:  # the query leaves these out
            continue
        resources[org] = (count, Decimal(str(value or 0)).quantize(Decimal("0.01")))
    query = select(CommunityOrg).order_by(CommunityOrg.status == OrgStatus.STOPPED.value, CommunityOrg.name)
    if not include_stopped:
        query = query.where(CommunityOrg.status != OrgStatus.STOPPED.value)
    out = []
    for o in session.scalars(query):
        count, value = resources.get(o.id, (0, Decimal("0.00")))
        out.append(OrgRow(o.id, o.name, OrgKind(o.kind), villages.get(o.village_code or "", "全镇(街)"),
                          o.founded_on, o.fostered_since, o.contact_name, mask_phone(o.contact_phone), o.members,
                          OrgStatus(o.status), o.stopped_on, _support(o.support), o.support_note,
                          volunteers.get(o.id, 0), activities.get(o.id, 0), count, value))
    return out


def org_choices(session: Session) -> list[OrgChoice]:
    """The organisations a new activity, volunteer or resource may name: those not stopped."""
    query = select(CommunityOrg.id, CommunityOrg.name).where(CommunityOrg.status != OrgStatus.STOPPED.value)
    return [OrgChoice(i, n) for i, n in session.execute(query.order_by(CommunityOrg.name))]


def linked_org(session: Session, org_id: int | None, day: date, field: str = "社区组织") -> CommunityOrg | None:
    """The organisation a record names, which must exist and not have stopped before ``day``."""
    if org_id is None:
        return None
    org = get_or_error(session, CommunityOrg, org_id, "社区组织")
    if org.stopped_on is not None and org.stopped_on < day:
        raise UserError(f"“{org.name}”已于 {org.stopped_on:%Y-%m-%d} 停止活动，不能再登记到它名下。", field=field)
    return org


def org_named(session: Session, name: str, day: date) -> CommunityOrg | None:
    """The organisation registered under exactly ``name`` and not stopped before ``day``, if any."""
    if not name:
        return None
    org = session.scalar(select(CommunityOrg).where(CommunityOrg.name == name))
    if org is None or (org.stopped_on is not None and org.stopped_on < day):
        return None
    return org


# ---- the monthly report ------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrgFigures:
    orgs_at_end: int  # 月末在册：纳入培育不晚于月末、月末未停止活动
    orgs_new: int  # 纳入培育日期在本月
    orgs_stopped: int  # 停止活动日期在本月
    members_at_end: int  # 月末在册组织的成员人数（现登记的人数）相加
    activities: int  # 本月活动中有社区组织参与的次数
    volunteer_hours: Decimal  # 本月志愿服务时数中所属组织已登记的志愿者的时数
    resources: int  # 本月链接资源中由社区组织提供的笔数
    resources_value_yuan: Decimal


def month_figures(session: Session, year: int, month: int) -> OrgFigures:
    start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    at_end = (CommunityOrg.fostered_since <= end,
              or_(CommunityOrg.stopped_on.is_(None), CommunityOrg.stopped_on > end))
    count, members = session.execute(select(func.count(CommunityOrg.id), func.coalesce(func.sum(CommunityOrg.members), 0))
                                     .where(*at_end)).one()
    hours = session.execute(select(func.coalesce(func.sum(VolunteerHours.hours), 0))
                            .join(Volunteer, Volunteer.id == VolunteerHours.volunteer_id)
                            .where(VolunteerHours.served_on.between(start, end), Volunteer.org_id.is_not(None))
                            ).scalar_one()
    links, value = session.execute(select(func.count(ResourceLink.id), func.coalesce(func.sum(ResourceLink.value_yuan), 0))
                                   .where(ResourceLink.linked_on.between(start, end),
                                          ResourceLink.org_id.is_not(None))).one()
    return OrgFigures(
        orgs_at_end=int(count),
        orgs_new=session.execute(select(func.count(CommunityOrg.id))
                                 .where(CommunityOrg.fostered_since.between(start, end))).scalar_one(),
        orgs_stopped=session.execute(select(func.count(CommunityOrg.id))
                                     .where(CommunityOrg.stopped_on.between(start, end))).scalar_one(),
        members_at_end=int(members),
        activities=session.execute(select(func.count(Activity.id)).where(Activity.held_on.between(start, end),
                                                                         Activity.org_id.is_not(None))).scalar_one(),
        volunteer_hours=Decimal(str(hours)).quantize(Decimal("0.1")),
        resources=int(links),
        resources_value_yuan=Decimal(str(value)).quantize(Decimal("0.01")))
