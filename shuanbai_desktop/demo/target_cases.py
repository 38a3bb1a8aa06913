"""Demo cases: stages with their records (assessment, goals, referrals, resources, sessions, follow-ups)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..data.base import now
from ..data.models.targets import (
    CaseAssessment,
    CaseEvent,
    CaseFollowUp,
    CaseGoal,
    CaseRecord,
    CaseSession,
    Referral,
    ResourceLink,
)
from ..domain.target_labels import CaseSource, CaseStage
from .target_texts import CASE_TEXTS, ORGS, PROVIDERS


def _next_id(session, model) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def add_cases(demo, filed, groups) -> None:
    """About one target in 25 gets a case, at every stage, with the records that stage needs."""
    rng, today = demo.rng, demo.today
    cid = _next_id(demo.s, CaseRecord)
    seq: dict[int, int] = {}
    year_of = func.substr(CaseRecord.case_no, 1, 4).label("case_year")  # grouped by its name: one expression
    for year, last in demo.s.execute(select(year_of, func.max(CaseRecord.case_no)).group_by(year_of)).all():
        seq[int(year)] = int(last.split("-")[1])
    targets = [p for _, family in filed for p in family if p.id in groups]
    for p in rng.sample(targets, max(1, len(targets) // 25)) if targets else []:
        opened = today - timedelta(days=rng.randint(5, 300))
        seq[opened.year] = seq.get(opened.year, 0) + 1
        stage = rng.choices(list(CaseStage), (10, 10, 15, 15, 25, 25))[0]
        closed = stage is CaseStage.FOLLOW_UP and rng.random() < 0.6 and (today - opened).days > 40
        title, desc = rng.choice(CASE_TEXTS)
        worker = demo.workers[cid % len(demo.workers)]
        demo.add(CaseRecord, id=cid, case_no=f"{opened.year}-{seq[opened.year]:04d}", person_id=p.id,
                 worker_id=worker, title=title, source=rng.choice(list(CaseSource)).value, source_detail="",
                 source_visit_id=None, window_matter_id=None, description=desc, opened_on=opened, stage=stage.value,
                 status="closed" if closed else "open", closed_on=min(today, opened + timedelta(days=40)) if closed
                 else None, outcome="goals_met" if closed else "", close_reason="服务目标达成" if closed else "",
                 resource_note="", plan_date=opened + timedelta(days=4), created_at=now(), updated_at=now())
        _stage_rows(demo, cid, p.id, opened, stage, closed, demo.worker_names.get(worker, ""))
        cid += 1


def _stage_rows(demo, cid: int, pid: int, opened: date, stage: CaseStage, closed: bool, by: str) -> None:
    rng, n = demo.rng, stage.number
    demo.add(CaseEvent, case_id=cid, event_date=opened, kind="opened", text="开案", by=by, at=now())
    for k in range(2, n + 1):
        demo.add(CaseEvent, case_id=cid, event_date=opened + timedelta(days=k), kind="advanced",
                 text=f"进入第 {k} 步“{list(CaseStage)[k - 1].label}”", by="", at=now())
    if n >= 2:
        demo.add(CaseAssessment, case_id=cid, assessed_on=opened + timedelta(days=2), need_types="material,spiritual",
                 assessment="经济困难，缺少陪伴，社会支持网络薄弱。")
    if n >= 3:
        demo.add(CaseGoal, case_id=cid, goal="改善基本生活", actions="链接救助资源，定期探访", start_on=opened + timedelta(days=3),
                 due_on=opened + timedelta(days=40), result="achieved" if n >= 6 else "",
                 evaluation="生活有保障" if n >= 6 else "", evaluated_on=opened + timedelta(days=39) if n >= 6 else None)
    if n >= 4:
        demo.add(Referral, case_id=cid, person_id=pid, referred_on=opened + timedelta(days=5), to_org=rng.choice(ORGS),
                 matter="申请临时救助", status=rng.choice(("sent", "accepted", "done")), result="")
        demo.add(ResourceLink, case_id=cid, person_id=pid, linked_on=opened + timedelta(days=6),
                 kind=rng.choice(("money", "goods", "service")), provider=rng.choice(PROVIDERS),
                 description="慰问金/生活物资", value_yuan=Decimal(rng.choice((200, 300, 500, 800, 1000))))
    if n >= 5:
        for k in range(rng.randint(1, 4)):
            demo.add(CaseSession, case_id=cid, session_date=opened + timedelta(days=8 + 7 * k), method="home", minutes=60,
                     content="家访陪伴，了解近况并协助办理事项。", worker=by)
    if n >= 6:
        demo.add(CaseFollowUp, case_id=cid, followup_date=opened + timedelta(days=38), content="情况稳定，生活改善。",
                 worker=by)
    if closed:
        demo.add(CaseEvent, case_id=cid, event_date=opened + timedelta(days=40), kind="closed", text="结案：目标达成",
                 by="", at=now())
