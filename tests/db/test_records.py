"""A record deleted by a colleague while a form still holds its id: saving says so in Chinese.

Issue 18: ``session.get(M, id) if id else M()`` gave ``None`` for a deleted record and the next
attribute access ended in the crash dialog; ``services/records.get_or_new`` raises a ``UserError``.
"""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.domain.staff_labels import Certificate, Grade, TrainingKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.staff import assessment, pay_table, supervision, training
from shuanbai_desktop.services.staff.assessment import AssessmentInput, EvaluationInput
from shuanbai_desktop.services.staff.pay_table import PayLevelInput
from shuanbai_desktop.services.staff.supervision import SupervisionInput
from shuanbai_desktop.services.staff.training import TrainingInput
from tests.conftest import BOTH
from tests.db.test_staff_common import TODAY, hire

BACKENDS = BOTH

DAY = date(2026, 3, 10)


def _training(worker: int) -> TrainingInput:
    return TrainingInput(DAY, "社会救助政策解读", TrainingKind.ON_JOB, 4, (worker,))


def _supervision(worker: int) -> SupervisionInput:
    return SupervisionInput(DAY, "刘督导", 8, (worker,))


AREAS = {
    "培训记录": (lambda s, w: training.save_training(s, _training(w), today=TODAY),
             lambda s, w, i: training.save_training(s, _training(w), i, TODAY),
             training.delete_training),
    "督导记录": (lambda s, w: supervision.save_supervision(s, _supervision(w), today=TODAY),
             lambda s, w, i: supervision.save_supervision(s, _supervision(w), i, TODAY),
             supervision.delete_supervision),
    "考核记录": (lambda s, w: assessment.save_assessment(s, AssessmentInput(w, 2025, Grade.PASS), today=TODAY),
             lambda s, w, i: assessment.save_assessment(s, AssessmentInput(w, 2025, Grade.GOOD), i, TODAY),
             assessment.delete_assessment),
    "评估记录": (lambda s, w: assessment.save_evaluation(s, EvaluationInput(2025, "评估中心", Grade.GOOD), today=TODAY),
             lambda s, w, i: assessment.save_evaluation(s, EvaluationInput(2025, "评估中心", Grade.PASS), i, TODAY),
             assessment.delete_evaluation),
    "薪酬等级": (lambda s, w: pay_table.save_level(s, PayLevelInput("九级", Certificate.NONE, 0, "2000", "500")),
             lambda s, w, i: pay_table.save_level(s, PayLevelInput("九级", Certificate.NONE, 0, "2100", "500"), i),
             pay_table.delete_level),
}


@pytest.mark.parametrize("what", list(AREAS))
def test_saving_a_record_deleted_meanwhile_is_a_chinese_message(station_db, what):
    add, save, delete = AREAS[what]
    worker = hire(station_db, "张三", 1)
    with station_db.session() as s:
        record_id = add(s, worker)
    with station_db.session() as s:  # a colleague deletes it while the form is still open
        delete(s, record_id)
    with pytest.raises(UserError) as caught, station_db.session() as s:
        save(s, worker, record_id)
    assert caught.value.message == f"找不到这条{what}（可能已被删除）。"
    with pytest.raises(UserError) as caught, station_db.session() as s:
        delete(s, record_id)  # deleting it a second time: the same message
    assert caught.value.message == f"找不到这条{what}（可能已被删除）。"

