"""Ledgers of the station's own business: window register, staff, contracts, training, assets, archives.

Each ledger selects named columns and writes its row from them by name (``row.ticket_no``), in the
order of the ledger's ``columns``; codes become their Chinese labels.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.archives import ArchiveFile, ArchiveLoan
from ...data.models.assets import Asset
from ...data.models.staff import StaffContract, StaffMember
from ...data.models.staff_activity import StaffTraining, StaffTrainingAttendee
from ...data.models.window import WindowRegistration
from ...domain.archive_rules import ArchiveCategory, Confidentiality, Retention
from ...domain.asset_rules import AssetCategory, AssetStatus
from ...domain.counter_labels import Channel, Handling, Satisfaction, Status
from ...domain.staff_labels import Certificate, Education, Source, StaffRole, StaffStatus, TrainingKind
from ..records import user_names
from .ledgers import C, Ledger, labels, point_names, stream

STATION = "站本部"


def _place(points: dict[int, str], point_id: int | None) -> str:
    """A service point's name; no point is the station itself."""
    if point_id is None:
        return STATION
    return points.get(point_id, STATION)


def _window(session: Session, first: date, last: date):
    users = user_names(session)
    channels = labels(Channel)
    handlings = labels(Handling)
    statuses = labels(Status)
    satisfaction = labels(Satisfaction)
    reg = WindowRegistration
    query = (select(reg.ticket_no, reg.registered_on, reg.channel, Person.name.label("person_name"),
                    Person.id_number, reg.contact_phone, reg.matter_name, reg.handling, reg.status,
                    reg.first_responder_id, reg.handler_id, reg.department_name, reg.due_date, reg.result_date,
                    reg.satisfaction)
             .outerjoin(Person, Person.id == reg.person_id)
             .where(reg.registered_on.between(first, last)).order_by(reg.registered_on, reg.id))
    for row in stream(session, query):
        yield (row.ticket_no, row.registered_on, channels.get(row.channel, row.channel), row.person_name or "",
               row.id_number or "", row.contact_phone, row.matter_name, handlings.get(row.handling, row.handling),
               statuses.get(row.status, row.status), users.get(row.first_responder_id, ""),
               users.get(row.handler_id, ""), row.department_name, row.due_date, row.result_date,
               satisfaction.get(row.satisfaction, row.satisfaction))


def _staff(session: Session, first: date, last: date):
    points = point_names(session)
    educations = labels(Education)
    certificates = labels(Certificate)
    roles = labels(StaffRole)
    sources = labels(Source)
    statuses = labels(StaffStatus)
    staff = StaffMember
    query = (select(staff.name, staff.sex, staff.id_number, staff.phone, staff.education, staff.major,
                    staff.certificate, staff.supervisor_cert, staff.role, staff.point_id, staff.source,
                    staff.hire_date, staff.leave_date, staff.status)
             .where(staff.hire_date <= last, staff.leave_date.is_(None) | (staff.leave_date >= first))
             .order_by(staff.hire_date, staff.id))
    for row in stream(session, query):
        yield (row.name, row.sex, row.id_number, row.phone, educations.get(row.education, row.education), row.major,
               certificates.get(row.certificate, row.certificate), row.supervisor_cert, roles.get(row.role, row.role),
               _place(points, row.point_id), sources.get(row.source, row.source), row.hire_date, row.leave_date,
               statuses.get(row.status, row.status))


def _contracts(session: Session, first: date, last: date):
    contract = StaffContract
    query = (select(StaffMember.name, contract.number, contract.employer, contract.signed_on, contract.start_date,
                    contract.end_date, contract.probation_months, contract.terminated_on,
                    contract.termination_reason, contract.notes)
             .join(StaffMember, StaffMember.id == contract.staff_id)
             .where(contract.start_date <= last, contract.end_date >= first)
             .order_by(StaffMember.name_pinyin, contract.start_date))
    for row in stream(session, query):
        yield (row.name, row.number, row.employer, row.signed_on, row.start_date, row.end_date, row.probation_months,
               row.terminated_on, row.termination_reason, row.notes)


def _training(session: Session, first: date, last: date):
    kinds = labels(TrainingKind)
    training = StaffTraining
    attendee = StaffTrainingAttendee
    attendee_names = (select(func.group_concat(StaffMember.name, "、"))
                      .join(attendee, attendee.staff_id == StaffMember.id)
                      .where(attendee.training_id == training.id).scalar_subquery())
    attendee_count = select(func.count()).where(attendee.training_id == training.id).scalar_subquery()
    query = (select(training.start_date, training.end_date, training.title, training.kind, training.organiser,
                    training.hours, attendee_count.label("attendee_count"),
                    attendee_names.label("attendee_names"))
             .where(training.start_date.between(first, last)).order_by(training.start_date, training.id))
    for row in stream(session, query):
        yield (row.start_date, row.end_date, row.title, kinds.get(row.kind, row.kind), row.organiser, row.hours,
               row.attendee_count, row.attendee_names or "")


def _assets(session: Session, first: date, last: date):
    points = point_names(session)
    categories = labels(AssetCategory)
    statuses = labels(AssetStatus)
    query = (select(Asset.code, Asset.name, Asset.category, Asset.model_spec, Asset.quantity, Asset.unit,
                    Asset.purchase_date, Asset.value, Asset.funding_source, Asset.point_id, Asset.custodian_name,
                    Asset.holder_name, Asset.status)
             .where(Asset.purchase_date.between(first, last)).order_by(Asset.code))
    for row in stream(session, query):
        yield (row.code, row.name, categories.get(row.category, row.category), row.model_spec, row.quantity,
               row.unit, row.purchase_date, row.value, row.funding_source, _place(points, row.point_id),
               row.custodian_name, row.holder_name, statuses.get(row.status, row.status))


def _archive_place(cabinet: str | None, box: str | None) -> str:
    """存放位置: “3柜12盒”, or what of it is known."""
    place = ""
    if cabinet:
        place += f"{cabinet}柜"
    if box:
        place += f"{box}盒"
    return place


def _archive_state(destroyed: bool, lent: bool) -> str:
    if destroyed:
        return "已销毁"
    if lent:
        return "借出"
    return "在库"


def _archives(session: Session, first: date, last: date):
    categories = labels(ArchiveCategory)
    retentions = labels(Retention)
    secrecy = labels(Confidentiality)
    archive = ArchiveFile
    open_loans = (select(func.count()).where(ArchiveLoan.file_id == archive.id, ArchiveLoan.returned_on.is_(None))
                  .scalar_subquery())
    query = (select(archive.number, archive.category, archive.year, archive.retention, archive.title,
                    archive.doc_ref, archive.responsible, archive.doc_date, archive.filed_on, archive.confidentiality,
                    archive.pages, archive.cabinet, archive.box, archive.destruction_id,
                    open_loans.label("open_loans"))
             .where(archive.filed_on.between(first, last)).order_by(archive.number))
    for row in stream(session, query):
        yield (row.number, categories.get(row.category, row.category), row.year,
               retentions.get(row.retention, row.retention), row.title, row.doc_ref, row.responsible, row.doc_date,
               row.filed_on, secrecy.get(row.confidentiality, row.confidentiality), row.pages,
               _archive_place(row.cabinet, row.box), _archive_state(row.destruction_id is not None, bool(row.open_loans)))


OFFICE = (
    Ledger("window", "窗口登记台账", "登记日期在此期间", "window", (
        C("登记号", 14), C("登记日期", 11), C("渠道", 6), C("居民", 10), C("身份证号", 20, "id"),
        C("联系电话", 14, "phone"), C("事项", 20), C("处理方式", 9), C("状态", 8), C("首问负责人", 10),
        C("承办人", 10), C("转办部门", 14), C("应办结日期", 11), C("办结日期", 11), C("回访满意度", 10)), _window),
    Ledger("staff", "人员台账", "此期间内在岗（入职不晚于截止日期、未在起始日期前离职）", "staff", (
        C("姓名", 10), C("性别", 5), C("身份证号", 20, "id"), C("联系电话", 14, "phone"), C("学历", 12), C("专业", 14),
        C("职业资格", 14), C("督导证", 7), C("岗位角色", 14), C("所在社工点", 16), C("人员来源", 8),
        C("入职日期", 11), C("离职日期", 11), C("在岗状态", 8)), _staff),
    Ledger("contracts", "劳动合同台账", "合同期与此期间有重叠", "staff", (
        C("姓名", 10), C("合同编号", 16), C("用人单位", 24), C("签订日期", 11), C("起始日期", 11), C("终止日期", 11),
        C("试用期(月)", 9), C("解除日期", 11), C("解除原因", 20), C("备注", 20)), _contracts),
    Ledger("training", "培训台账", "培训开始日期在此期间", "staff", (
        C("培训日期", 11), C("结束日期", 11), C("培训名称", 28), C("类别", 10), C("组织单位", 18), C("学时", 7),
        C("参加人数", 8), C("参加人员", 40)), _training),
    Ledger("assets", "资产台账", "购置日期在此期间", "assets", (
        C("资产编号", 14), C("名称", 18), C("类别", 9), C("规格型号", 16), C("数量", 6), C("单位", 5),
        C("购置日期", 11), C("原值(元)", 11), C("资金来源", 14), C("存放地点", 16), C("保管人", 10),
        C("领用人", 10), C("状态", 7)), _assets),
    Ledger("archives", "档案台账", "归档日期在此期间", "archives", (
        C("档号", 16), C("类别", 7), C("年度", 6), C("保管期限", 8), C("题名", 34), C("文号", 14), C("责任者", 12),
        C("文件日期", 11), C("归档日期", 11), C("密级", 6), C("页数", 6), C("存放位置", 12), C("状态", 7)), _archives),
)
