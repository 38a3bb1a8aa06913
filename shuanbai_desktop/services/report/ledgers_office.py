"""Ledgers of the station's own business: window register, staff, contracts, training, assets, archives."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models import Person
from .ledgers import C, Ledger, labels, point_names, stream, user_names

STATION = "站本部"


def _window(session: Session, first: date, last: date):
    from ...data.models.window import WindowRegistration as R
    from ..window.terms import Channel, Handling, Satisfaction, Status
    users, channels, handling = user_names(session), labels(Channel), labels(Handling)
    statuses, satisfaction = labels(Status), labels(Satisfaction)
    query = (select(R.ticket_no, R.registered_on, R.channel, Person.name, Person.id_number, R.contact_phone,
                    R.matter_name, R.handling, R.status, R.first_responder_id, R.handler_id, R.department_name,
                    R.due_date, R.result_date, R.satisfaction).outerjoin(Person, Person.id == R.person_id)
             .where(R.registered_on.between(first, last)).order_by(R.registered_on, R.id))
    for (no, day, channel, name, number, phone, matter, how, status, first_id, handler, dept, due, done,
         sat) in stream(session, query):
        yield (no, day, channels.get(channel, channel), name or "", number or "", phone, matter, handling.get(how, how),
               statuses.get(status, status), users.get(first_id, ""), users.get(handler, ""), dept, due, done,
               satisfaction.get(sat, sat))


def _staff(session: Session, first: date, last: date):
    from ...data.models.staff import StaffMember as S
    from ...domain.staff_labels import Certificate, Education, Source, StaffRole, StaffStatus
    points, edu, certs = point_names(session), labels(Education), labels(Certificate)
    roles, sources, statuses = labels(StaffRole), labels(Source), labels(StaffStatus)
    query = (select(S.name, S.sex, S.id_number, S.phone, S.education, S.major, S.certificate, S.supervisor_cert,
                    S.role, S.point_id, S.source, S.hire_date, S.leave_date, S.status)
             .where(S.hire_date <= last, S.leave_date.is_(None) | (S.leave_date >= first))
             .order_by(S.hire_date, S.id))
    for name, sex, number, phone, e, major, c, sup, role, point, src, hired, left, st in stream(session, query):
        yield (name, sex, number, phone, edu.get(e, e), major, certs.get(c, c), sup, roles.get(role, role),
               points.get(point, STATION) if point else STATION, sources.get(src, src), hired, left,
               statuses.get(st, st))


def _contracts(session: Session, first: date, last: date):
    from ...data.models.staff import StaffContract as K
    from ...data.models.staff import StaffMember as S
    query = (select(S.name, K.number, K.employer, K.signed_on, K.start_date, K.end_date, K.probation_months,
                    K.terminated_on, K.termination_reason, K.notes).join(S, S.id == K.staff_id)
             .where(K.start_date <= last, K.end_date >= first).order_by(S.name_pinyin, K.start_date))
    yield from (tuple(row) for row in stream(session, query))


def _training(session: Session, first: date, last: date):
    from ...data.models.staff import StaffMember as S
    from ...data.models.staff_activity import StaffTraining as T
    from ...data.models.staff_activity import StaffTrainingAttendee as A
    from ...domain.staff_labels import TrainingKind
    kinds = labels(TrainingKind)
    who = (select(func.group_concat(S.name, "、")).join(A, A.staff_id == S.id)
           .where(A.training_id == T.id).scalar_subquery())
    count = select(func.count()).where(A.training_id == T.id).scalar_subquery()
    query = (select(T.start_date, T.end_date, T.title, T.kind, T.organiser, T.hours, count, who)
             .where(T.start_date.between(first, last)).order_by(T.start_date, T.id))
    for start, end, title, kind, organiser, hours, n, names in stream(session, query):
        yield start, end, title, kinds.get(kind, kind), organiser, hours, n, names or ""


def _assets(session: Session, first: date, last: date):
    from ...data.models.assets import Asset as A
    from ...domain.asset_rules import AssetCategory, AssetStatus
    points, cats, statuses = point_names(session), labels(AssetCategory), labels(AssetStatus)
    query = (select(A.code, A.name, A.category, A.model_spec, A.quantity, A.unit, A.purchase_date, A.value,
                    A.funding_source, A.point_id, A.custodian_name, A.holder_name, A.status)
             .where(A.purchase_date.between(first, last)).order_by(A.code))
    for code, name, cat, spec, qty, unit, bought, value, fund, point, keeper, holder, st in stream(session, query):
        yield (code, name, cats.get(cat, cat), spec, qty, unit, bought, value, fund,
               points.get(point, STATION) if point else STATION, keeper, holder, statuses.get(st, st))


def _archives(session: Session, first: date, last: date):
    from ...data.models.archives import ArchiveFile as F
    from ...data.models.archives import ArchiveLoan as L
    from ...domain.archive_rules import ArchiveCategory, Confidentiality, Retention
    cats, keeps, secrecy = labels(ArchiveCategory), labels(Retention), labels(Confidentiality)
    out = select(func.count()).where(L.file_id == F.id, L.returned_on.is_(None)).scalar_subquery()
    query = (select(F.number, F.category, F.year, F.retention, F.title, F.doc_ref, F.responsible, F.doc_date,
                    F.filed_on, F.confidentiality, F.pages, F.cabinet, F.box, F.destruction_id, out)
             .where(F.filed_on.between(first, last)).order_by(F.number))
    for (no, cat, year, keep, title, ref, who, doc_day, filed, sec, pages, cabinet, box, destroyed,
         lent) in stream(session, query):
        place = "".join(p for p in (f"{cabinet}柜" if cabinet else "", f"{box}盒" if box else ""))
        state = "已销毁" if destroyed else "借出" if lent else "在库"
        yield (no, cats.get(cat, cat), year, keeps.get(keep, keep), title, ref, who, doc_day, filed,
               secrecy.get(sec, sec), pages, place, state)


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
