"""五社联动 (R4.5): volunteers and their hours, activities, and the station's referral and resource ledgers.

Registering volunteers, hours and activities needs ``Permission.CASE_OPEN``; 录入人 is the session's user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.targets import Activity, CaseRecord, Referral, ResourceLink, Volunteer, VolunteerHours
from ...domain.phone import mask_phone, validate_phone
from ...domain.target_labels import ActivityKind, ReferralStatus, ResourceKind
from ...errors import UserError
from ..fields import clean_text, optional_number, past_day
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new, village_names
from .organisations import linked_org


@dataclass(frozen=True)
class VolunteerRow:
    id: int
    name: str
    phone_masked: str
    village_name: str
    organisation: str
    skills: str
    hours: Decimal
    org_id: int | None = None  # 登记在册的所属社区组织 (organisations.py)


def save_volunteer(session: Session, name: str, phone: str = "", village_code: str | None = None,
                   organisation: str = "", skills: str = "", volunteer_id: int | None = None,
                   org_id: int | None = None, today: date | None = None) -> int:
    """``org_id``: an organisation of the register; its name then fills 所属组织 when that is left empty."""
    require(session, Permission.CASE_OPEN)
    row = get_or_new(session, Volunteer, volunteer_id, "志愿者")
    org = linked_org(session, org_id, today or date.today(), "所属组织")
    row.org_id = org_id
    if org is not None and not (organisation or "").strip():
        organisation = org.name
    row.name = clean_text(name, "志愿者姓名", 40, required=True)
    row.phone = validate_phone(phone or "", field="志愿者电话")
    row.village_code = village_code
    row.organisation = clean_text(organisation, "所属组织", 80)
    row.skills = clean_text(skills, "特长", 200)
    session.add(row)
    session.flush()
    return row.id


def list_volunteers(session: Session) -> list[VolunteerRow]:
    hours = dict(session.execute(select(VolunteerHours.volunteer_id, func.sum(VolunteerHours.hours))
                                 .group_by(VolunteerHours.volunteer_id)).all())
    villages = village_names(session)
    return [VolunteerRow(v.id, v.name, mask_phone(v.phone), villages.get(v.village_code or "", ""), v.organisation,
                         v.skills, Decimal(str(hours.get(v.id) or 0)).quantize(Decimal("0.1")), v.org_id)
            for v in session.scalars(select(Volunteer).order_by(Volunteer.name))]


def add_hours(session: Session, volunteer_id: int, served_on: date, hours, content: str,
              activity_id: int | None = None, case_id: int | None = None, today: date | None = None) -> int:
    require(session, Permission.CASE_OPEN)
    get_or_error(session, Volunteer, volunteer_id, "志愿者")
    served = past_day(served_on, "服务日期", today or date.today())
    value = optional_number(hours, "服务时数", places=2, minimum=0, maximum=24, unit="小时")
    if value is None or value <= 0:
        raise UserError("服务时数应大于 0、不超过 24 小时。", field="服务时数")
    row = VolunteerHours(volunteer_id=volunteer_id, served_on=served, hours=value.quantize(Decimal("0.1")),
                         content=clean_text(content, "服务内容", 200, required=True),
                         activity_id=activity_id, case_id=case_id)
    session.add(row)
    session.flush()
    return row.id


@dataclass(frozen=True)
class ActivityRow:
    id: int
    held_on: date
    kind: ActivityKind
    title: str
    village_name: str
    participants: int
    partner: str
    summary: str
    org_id: int | None = None  # 合作的社区组织 (organisations.py)


def save_activity(session: Session, held_on: date, kind: ActivityKind, title: str, village_code: str | None,
                  participants: int, partner: str = "", summary: str = "", today: date | None = None,
                  org_id: int | None = None) -> int:
    """``org_id``: the community organisation that took part; its name fills 合作方 when that is left empty."""
    acting = require(session, Permission.CASE_OPEN)
    if not 0 < int(participants) <= 100000:
        raise UserError("参加人数应为大于 0 的整数。", field="参加人数")
    row = Activity(held_on=past_day(held_on, "活动日期", today or date.today()), kind=ActivityKind(kind).value,
                   title=clean_text(title, "活动名称", 80, required=True), village_code=village_code,
                   participants=int(participants), partner=clean_text(partner, "合作方", 120),
                   summary=clean_text(summary, "活动简介", 2000),
                   recorded_by="" if acting.is_system else acting.username)
    org = linked_org(session, org_id, row.held_on, "合作组织")
    row.org_id = org_id
    if org is not None and not row.partner:
        row.partner = org.name
    session.add(row)
    session.flush()
    return row.id


def list_activities(session: Session, limit: int = 500) -> list[ActivityRow]:
    villages = village_names(session)
    return [ActivityRow(a.id, a.held_on, ActivityKind(a.kind), a.title, villages.get(a.village_code or "", "全镇(街)"),
                        a.participants, a.partner, a.summary, a.org_id)
            for a in session.scalars(select(Activity).order_by(Activity.held_on.desc(), Activity.id.desc()).limit(limit))]


@dataclass(frozen=True)
class LedgerRow:
    day: date
    kind: str
    person_name: str
    case_no: str
    counterpart: str  # referral: to whom; resource: provider
    content: str
    status_or_value: str


def ledger(session: Session, since: date | None = None, until: date | None = None, limit: int = 1000) -> list[LedgerRow]:
    """Referrals and linked resources of the station, newest first (转介与资源台账)."""
    rows: list[LedgerRow] = []
    ref = select(Referral, Person.name, CaseRecord.case_no).join(Person, Person.id == Referral.person_id) \
        .outerjoin(CaseRecord, CaseRecord.id == Referral.case_id)
    res = select(ResourceLink, Person.name, CaseRecord.case_no).outerjoin(Person, Person.id == ResourceLink.person_id) \
        .outerjoin(CaseRecord, CaseRecord.id == ResourceLink.case_id)
    if since:
        ref, res = ref.where(Referral.referred_on >= since), res.where(ResourceLink.linked_on >= since)
    if until:
        ref, res = ref.where(Referral.referred_on <= until), res.where(ResourceLink.linked_on <= until)
    for referral, name, no in session.execute(ref.order_by(Referral.referred_on.desc()).limit(limit)):
        rows.append(LedgerRow(referral.referred_on, "转介", name, no or "", referral.to_org, referral.matter,
                              ReferralStatus(referral.status).label))
    for link, name, no in session.execute(res.order_by(ResourceLink.linked_on.desc()).limit(limit)):
        rows.append(LedgerRow(link.linked_on, ResourceKind(link.kind).label, name or "", no or "", link.provider,
                              link.description, f"{link.value_yuan:.2f} 元"))
    return sorted(rows, key=lambda r: r.day, reverse=True)[:limit]
