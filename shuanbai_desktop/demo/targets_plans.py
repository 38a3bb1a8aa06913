"""Demo 一人一案 service plans: most service targets without an open case get a light plan (runs after
demo/targets.py, by name), with the worker serving their village responsible and reviews every few months.

Deterministic for the same residents and day, without drawing from the demo's generator;
bulk inserts like the other demo areas; a second run (more residents) considers only the residents added since.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from ..data.base import now
from ..data.models import Person, Setting
from ..data.models.person import PersonGroup
from ..data.models.plans import ServicePlan, ServicePlanReview
from ..data.models.staff import StaffMember, StaffVillage
from ..data.models.targets import CaseRecord
from ..domain.staff_labels import StaffRole, StaffStatus
from ..domain.target_labels import CaseStatus, PlanFrequency, PlanReviewOutcome, PlanStatus, TargetGroup
from .target_texts import NEEDS

SHARE = 0.85  # of the service targets without an open case
DONE_KEY = "demo.plans_last_person"  # residents up to this id have been given their demo plans
BATCH = 5000
SOCIAL = ("照料者外出务工，缺少日常照看", "与邻里往来少，社会支持不足", "需要协助申请残疾人两项补贴",
          "需要链接志愿者定期探访")
SERVICES = {
    TargetGroup.ELDERLY_IN_DIFFICULTY: "每月上门探访，关注健康和用药；链接志愿者代购生活用品",
    TargetGroup.LEFT_BEHIND_CHILD: "每月家访了解学习和情绪；组织参加“四点半课堂”；与父母定期视频沟通",
    TargetGroup.CHILD_IN_DIFFICULTY: "每两周家访；协助申请困境儿童基本生活补贴；链接学校心理老师",
    TargetGroup.DISABLED: "每月探访；协助申请两项补贴和辅具；推荐辅助性就业岗位",
    TargetGroup.LOW_INCOME: "每季度核对家庭情况；链接慈善资源；协助申请临时救助",
    TargetGroup.EXTREME_POOR: "每月探访；关注供养金发放和照料服务落实",
    TargetGroup.LEFT_BEHIND_WOMAN: "每季度电话和上门联系；邀请参加妇女互助小组",
}
REVIEW_NOTES = ("服务按计划落实，对象情况稳定。", "已链接物资，需求部分解决，继续跟进。", "对象情绪好转，调整探访频次。")


def _candidates(session, today: date, after: int) -> list[tuple[int, str | None, str]]:
    """(person id, village code, first group) of registered targets after id ``after`` with no plan and no
    open case."""
    planned = select(ServicePlan.person_id)
    in_case = select(CaseRecord.person_id).where(CaseRecord.status == CaseStatus.OPEN.value)
    first = (select(PersonGroup.person_id, func.min(PersonGroup.group_code).label("grp"))
             .where((PersonGroup.since.is_(None)) | (PersonGroup.since <= today))
             .group_by(PersonGroup.person_id).subquery())
    query = (select(Person.id, Person.village_code, first.c.grp).join(first, first.c.person_id == Person.id)
             .where(Person.id > after, Person.status == "registered", Person.id.not_in(planned),
                    Person.id.not_in(in_case))
             .order_by(Person.id))
    return [(pid, village, grp) for pid, village, grp in session.execute(query)]


def _workers(session) -> tuple[dict[str, int], list[int]]:
    """Village → the service worker serving it (one worker, one village), and all service workers."""
    active = (StaffMember.status == StaffStatus.ACTIVE.value) & (StaffMember.role == StaffRole.SERVICE_WORKER.value)
    by_village: dict[str, int] = {}
    for staff_id, village in session.execute(select(StaffMember.id, StaffVillage.village_code)
                                             .join(StaffVillage, StaffVillage.staff_id == StaffMember.id)
                                             .where(active).order_by(StaffMember.id)):
        by_village.setdefault(village, staff_id)
    return by_village, list(session.scalars(select(StaffMember.id).where(active).order_by(StaffMember.id)))


def _numbers(session) -> dict[int, int]:
    """The last plan number used in each year."""
    last: dict[int, int] = defaultdict(int)
    for (plan_no,) in session.execute(select(ServicePlan.plan_no)):
        year, seq = plan_no[1:].split("-")
        last[int(year)] = max(last[int(year)], int(seq))
    return last


def add_demo(session, rng: random.Random, today: date) -> None:
    marker = session.get(Setting, DONE_KEY)
    candidates = _candidates(session, today, int(marker.value) if marker else 0)
    if not candidates:
        return
    last = str(max(pid for pid, _village, _group in candidates))
    if marker is None:
        session.add(Setting(key=DONE_KEY, value=last))
    else:
        marker.value = last
    # A stream of its own, seeded by what it works on: the shared generator is left as it was (the later
    # areas' data stay the same), and its state is not the same from run to run at this point.
    own = random.Random(f"一人一案-{today.isoformat()}-{len(candidates)}-{candidates[0][0]}-{last}")
    by_village, workers = _workers(session)
    numbers = _numbers(session)
    plan_id = (session.scalar(select(func.max(ServicePlan.id))) or 0) + 1
    plans: list[dict] = []
    reviews: list[dict] = []
    stamp = now()
    for pid, village, group in candidates:
        if own.random() >= SHARE:
            continue
        start = today - timedelta(days=own.randint(3, 420))
        frequency = own.choice(list(PlanFrequency))
        interval = 180 if frequency is PlanFrequency.QUARTERLY else 90
        done = start
        ended = None
        while done + timedelta(days=interval) <= today and ended is None:
            day = done + timedelta(days=interval + own.randint(-5, 3))
            if day > today or own.random() < 0.08:  # a review not yet made: it is overdue now
                break
            outcome = PlanReviewOutcome.END if own.random() < 0.05 else PlanReviewOutcome.CONTINUE
            nxt = None if outcome is PlanReviewOutcome.END else day + timedelta(days=interval)
            reviews.append({"plan_id": plan_id, "reviewed_on": day, "outcome": outcome.value, "by": "",
                            "note": "需求已解决，结束计划。" if nxt is None else own.choice(REVIEW_NOTES),
                            "next_review": nxt, "at": stamp})
            done = day
            ended = day if nxt is None else None
        numbers[start.year] += 1
        staff = by_village.get(village or "") or (own.choice(workers) if workers else None)
        plans.append({
            "id": plan_id, "plan_no": f"J{start.year}-{numbers[start.year]:04d}", "person_id": pid, "staff_id": staff,
            "need_material": own.choice(NEEDS["material"]), "need_spiritual": own.choice(NEEDS["spiritual"])
            if own.random() < 0.7 else "", "need_social": own.choice(SOCIAL) if own.random() < 0.5 else "",
            "services": SERVICES.get(TargetGroup(group), "定期探访，按需链接资源"), "frequency": frequency.value,
            "start_on": start, "review_due": done + timedelta(days=interval),
            "status": (PlanStatus.ENDED if ended else PlanStatus.ACTIVE).value, "ended_on": ended,
            "case_id": None, "created_at": stamp, "updated_at": stamp})
        plan_id += 1
    for model, rows in ((ServicePlan, plans), (ServicePlanReview, reviews)):
        for begin in range(0, len(rows), BATCH):
            session.execute(insert(model), rows[begin:begin + BATCH])
