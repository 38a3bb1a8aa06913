"""Which record each case stage needs before the case may advance (R4.4)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models.targets import (
    CaseAssessment,
    CaseFollowUp,
    CaseGoal,
    CaseRecord,
    CaseSession,
    Referral,
    ResourceLink,
)
from ...domain.target_labels import CaseStage, CaseStatus
from ...errors import UserError

NEEDED = {
    CaseStage.IDENTIFY: "对象来源和基本情况",
    CaseStage.ASSESS: "需求评估（评估日期、需求类型、评估内容）",
    CaseStage.PLAN: "至少一个服务目标（目标、行动、起止日期）",
    CaseStage.RESOURCES: "至少一条转介或链接资源，或“无需外部资源”的说明",
    CaseStage.INTERVENE: "至少一次介入服务记录（日期、方式、时长、内容）",
    CaseStage.FOLLOW_UP: "至少一次跟踪回访，并对每个服务目标作出评估",
}


def _count(session: Session, model, case_id: int, *extra) -> int:
    query = select(func.count()).select_from(model).where(model.case_id == case_id, *extra)
    return session.execute(query).scalar_one()


def stage_done(session: Session, case: CaseRecord, stage: CaseStage) -> bool:
    """Does the record of ``stage`` exist for this case?"""
    cid = case.id
    if stage is CaseStage.IDENTIFY:
        return bool(case.source and case.description.strip())
    if stage is CaseStage.ASSESS:
        return session.get(CaseAssessment, cid) is not None
    if stage is CaseStage.PLAN:
        return _count(session, CaseGoal, cid) > 0
    if stage is CaseStage.RESOURCES:
        return bool(case.resource_note.strip()) or _count(session, Referral, cid) + _count(session, ResourceLink, cid) > 0
    if stage is CaseStage.INTERVENE:
        return _count(session, CaseSession, cid) > 0
    return _count(session, CaseFollowUp, cid) > 0 and _count(session, CaseGoal, cid, CaseGoal.result == "") == 0


def missing(session: Session, case: CaseRecord) -> list[str]:
    """What the current stage still lacks, in words ([] when it is complete)."""
    stage = CaseStage(case.stage)
    return [] if stage_done(session, case, stage) else [f"“{stage.label}”缺少：{NEEDED[stage]}"]


def require_reached(case: CaseRecord, stage: CaseStage) -> None:
    """Records of a stage may be added once the case has reached it, and not to a closed case."""
    if case.status == CaseStatus.CLOSED.value:
        raise UserError("个案已结案，不能再修改。如需继续服务，请先“重新开案”并说明原因。")
    current = CaseStage(case.stage)
    if stage.number > current.number:
        raise UserError(f"个案目前在第 {current.number} 步“{current.label}”，不能跳过步骤直接填写“{stage.label}”。"
                        f"请先完成“{current.label}”并进入下一步。", field=stage.label)
