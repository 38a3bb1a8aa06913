"""The report commands of the command line: report, ledger, county-merge (exit 0 / 2, Chinese messages)."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from .test_cli import ADMIN, cli, open_as
from .test_cli import initialised as initialised  # noqa: F401  (fixture)
from .test_report_figures import build_known


@pytest.fixture
def known_db(initialised):  # noqa: F811
    db = open_as(initialised)
    try:
        build_known(db)
    finally:
        db.close()
    return initialised


def test_report_command_exports_and_locks_the_month(known_db, tmp_path):
    out = tmp_path / "U盘"
    out.mkdir()
    done = cli("--db", known_db, "report", "--month", "2024-05", "--out", out, login=ADMIN)
    assert done.returncode == 0, done.stderr
    assert "第 1 版" in done.stdout and "已标为已报送" in done.stdout and "须更正" in done.stdout
    folder = out / "441302001_2024-05_月度报表"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month"] == "2024-05"
    again = cli("--db", known_db, "report", "--month", "2024-05", "--out", out, login=ADMIN)
    assert again.returncode == 2 and "原因" in again.stderr
    second = cli("--db", known_db, "report", "--month", "2024-05", "--out", out, "--zip", "--reason", "县里要求重报",
                 login=ADMIN)
    assert second.returncode == 0 and (out / "441302001_2024-05_月度报表_第2版.zip").is_file()
    assert "0 个数字变化" in second.stdout


def test_report_command_refuses_bad_months(known_db, tmp_path):
    bad = cli("--db", known_db, "report", "--month", "2024/5", "--out", tmp_path, login=ADMIN)
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr
    future = cli("--db", known_db, "report", "--month", "2100-12", "--out", tmp_path,
                 login=ADMIN)  # the CLI's today is the clock
    assert future.returncode == 2 and "还没有到" in future.stderr


def test_ledger_command_writes_a_masked_ledger(known_db, tmp_path):
    target = tmp_path / "走访.xlsx"
    done = cli("--db", known_db, "ledger", "visits", "--from", "2024-05-01", "--to", "2024-05-31", "--out", target,
               login=ADMIN)
    assert done.returncode == 0, done.stderr
    assert "走访台账" in done.stdout and "3 行" in done.stdout
    assert load_workbook(target).active.max_row == 3 + 3
    unknown = cli("--db", known_db, "ledger", "菜谱", "--from", "2024-05-01", "--to", "2024-05-31", "--out", target,
                  login=ADMIN)
    assert unknown.returncode == 2 and "没有名为" in unknown.stderr
    bad_date = cli("--db", known_db, "ledger", "visits", "--from", "2024-5-1", "--to", "2024-05-31", "--out", target,
                   login=ADMIN)
    assert bad_date.returncode == 2 and "--from" in bad_date.stderr


def test_county_merge_needs_no_database(known_db, tmp_path):
    out = tmp_path / "U盘"
    out.mkdir()
    assert cli("--db", known_db, "report", "--month", "2024-05", "--out", out, login=ADMIN).returncode == 0
    summary = tmp_path / "汇总.xlsx"
    done = cli("county-merge", out, "--out", summary, env_db=tmp_path / "不存在.db")
    assert done.returncode == 0, done.stderr
    assert "已汇总 惠城区 2024-05：1 个乡镇(街道)" in done.stdout and "未报送" in done.stdout
    assert load_workbook(summary)["汇总"]["B3"].value == "桥东街道"
    nothing = cli("county-merge", tmp_path / "空", "--out", summary)
    assert nothing.returncode == 2 and "已拒收" in nothing.stderr


def test_annual_command_prints_the_october_and_december_figures(known_db, tmp_path):
    """Issue 15: the year-only figures of 年度数据 without the screen; counted by hand from build_known."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from shuanbai_desktop.data.models.staff import StaffMember
    from shuanbai_desktop.domain.staff_labels import Grade
    from shuanbai_desktop.services.staff.assessment import (
        AssessmentInput,
        EvaluationInput,
        save_assessment,
        save_evaluation,
    )
    db = open_as(known_db)
    try:
        with db.session() as s:
            first = s.scalars(select(StaffMember.id).order_by(StaffMember.id)).first()
            save_assessment(s, AssessmentInput(first, 2024, Grade.GOOD, "88", date(2024, 10, 20)))
            save_evaluation(s, EvaluationInput(2024, "某评估机构", Grade.EXCELLENT, "93.5", date(2024, 12, 18)))
    finally:
        db.close()
    done = cli("--db", known_db, "annual", "--year", "2024", login=ADMIN)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # three workers were on the staff in 2024 (two at the end of May, one left): one assessed 良好
    for expected in ("年度考核（R2.6，10月底前）", "  应考核人数：3人", "  其中：良好：1人", "  其中：优秀：0人",
                     "  其中：尚未考核：2人", "  评估结果：优秀", f"  评估得分：{Decimal('93.5')}分"):
        assert expected in lines, done.stdout
    assert "已导出" not in done.stdout
    future = cli("--db", known_db, "annual", "--year", "2999", login=ADMIN)
    assert future.returncode == 2 and "年度 2999 无效" in future.stderr
    nobody = cli("--db", known_db, "annual", "--year", "2024")
    assert nobody.returncode == 2


def test_annual_command_exports_the_workbook(known_db, tmp_path):
    target = tmp_path / "年度.xlsx"
    done = cli("--db", known_db, "annual", "--year", "2024", "--out", target, login=ADMIN)
    assert done.returncode == 0, done.stderr
    assert f"已导出 2024年度数据：{target}" in done.stdout
    assert "年度考核与评估" in load_workbook(target).sheetnames
