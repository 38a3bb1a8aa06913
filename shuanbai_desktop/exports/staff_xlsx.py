"""Staff ledgers as xlsx (R6.2): roster, contract expiry list, training hours, assessments,
supervision log. Chinese headers; ID numbers and phones masked unless the caller passes the
full numbers (the administrator's explicit choice)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..domain.staff_labels import TrainingKind
from ..domain.staff_rules import ANNUAL_HOURS, PRE_JOB_HOURS, SUPERVISION_VISIT_HOURS, hours_text
from .xlsx import FONT_NAME, save_atomic, set_value, write_table


def _book(title: str) -> tuple[Workbook, object]:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws


def note_row(ws, row: int, text: str, columns: int) -> None:
    """A plain line under a table (source, date, signatures)."""
    cell = set_value(ws.cell(row, 1), text)
    cell.font = Font(name=FONT_NAME, size=10)
    cell.alignment = Alignment(wrap_text=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


ROSTER_HEADERS = ("序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "学历", "专业", "职业资格", "证书编号",
                  "督导证", "岗位类别", "岗位角色", "所在社工点", "负责村(居)", "人员来源", "入职日期", "工龄(年)",
                  "在岗状态", "离职日期", "合同到期日", "薪酬等级")
ROSTER_WIDTHS = (6, 10, 6, 6, 21, 14, 10, 12, 15, 14, 7, 11, 22, 16, 24, 9, 12, 8, 9, 12, 12, 9)


def write_roster(rows: Sequence, target: Path, station_name: str, today: date,
                 full_ids: Mapping[int, tuple[str, str]] | None = None) -> Path:
    """``rows`` are roster rows (services.staff.roster.StaffRow); ``full_ids`` id → (ID number, phone)."""
    wb, ws = _book("人员名册")
    data = []
    for n, r in enumerate(rows, 1):
        number, phone = (full_ids or {}).get(r.id, (r.id_masked, r.phone_masked))
        data.append((n, r.name, r.sex, r.age, number, phone, r.education.label, r.major, r.certificate.label,
                     r.certificate_no, "有" if r.supervisor_cert else "", r.post.label, r.role_text, r.point_name,
                     "、".join(r.village_names), r.source.label, r.hire_date, r.years, r.status.label, r.leave_date,
                     r.contract_end, r.pay_level))
    last = write_table(ws, ROSTER_HEADERS, data, ROSTER_WIDTHS, title=f"{station_name}工作人员名册")
    masked = "" if full_ids else "身份证号、联系电话已脱敏。"
    note_row(ws, last + 2, f"共 {len(rows)} 人。{masked}制表日期：{today:%Y-%m-%d}", len(ROSTER_HEADERS))
    return save_atomic(wb, target)


CONTRACT_HEADERS = ("序号", "姓名", "岗位角色", "职业资格", "第几份合同", "合同编号", "用人单位", "起始日期", "终止日期",
                    "剩余天数", "合同状态", "续聘条件", "说明")
CONTRACT_WIDTHS = (6, 10, 16, 15, 10, 14, 24, 12, 12, 9, 9, 10, 48)


def write_contracts(rows: Sequence, target: Path, station_name: str, today: date) -> Path:
    """``rows`` are current contracts (services.staff.contracts.CurrentContract), soonest expiry first."""
    wb, ws = _book("合同到期清单")
    data = []
    for n, c in enumerate(rows, 1):
        k = c.contract
        eligible = "" if c.eligibility is None else ("符合" if c.eligibility.eligible else "不符合")
        data.append((n, c.name, c.role.label, c.certificate.label, k.seq if k else "", k.number if k else "",
                     k.employer if k else "", k.start_date if k else None, k.end_date if k else None,
                     k.days_left if k else "", k.status.label if k else "未签合同", eligible,
                     c.eligibility.text if c.eligibility else ""))
    last = write_table(ws, CONTRACT_HEADERS, data, CONTRACT_WIDTHS, title=f"{station_name}劳动合同到期清单")
    note_row(ws, last + 2, "续聘条件：2022年7月1日起，原则上只续聘持证且年度考核合格及以上等级的社工（残疾人专职委员）。"
             f"制表日期：{today:%Y-%m-%d}", len(CONTRACT_HEADERS))
    return save_atomic(wb, target)


def write_training(hours_rows: Sequence, trainings: Sequence, year: int, target: Path, station_name: str) -> Path:
    """The training hours table of ``year`` and, on a second sheet, every training of that year."""
    wb, ws = _book("培训学时统计")
    kinds = list(TrainingKind)
    headers = ("序号", "姓名", "入职日期", "岗前培训累计", *[f"{k.label}" for k in kinds], f"{year}年合计", "应完成",
               "差额", "说明")
    data = []
    for n, r in enumerate(hours_rows, 1):
        missing = max(r.year_required - r.year_total, 0)
        data.append((n, r.name, r.hire_date, float(r.pre_job_total), *[float(r.by_kind[k]) for k in kinds],
                     float(r.year_total), r.year_required, float(missing), "；".join(g.text for g in r.shortfalls)))
    widths = (6, 10, 12, 12, *[10] * len(kinds), 10, 8, 8, 60)
    last = write_table(ws, headers, data, widths, title=f"{station_name}{year}年工作人员培训学时统计表")
    note_row(ws, last + 2, f"岗前培训每人不少于 {PRE_JOB_HOURS} 学时；每人每年培训不少于 {ANNUAL_HOURS} 学时"
             "（年中入职的按在岗月数折算，每月 4 学时）。", len(headers))
    log = wb.create_sheet("培训记录")
    log_rows = [(n, t.date_text, t.title, t.kind.label, t.organiser, float(t.hours), len(t.staff_names),
                 "、".join(t.staff_names), t.certificate) for n, t in enumerate(trainings, 1)]
    write_table(log, ("序号", "日期", "培训名称", "类别", "组织单位", "学时", "人数", "参加人员", "证书/证明"), log_rows,
                (6, 22, 30, 10, 18, 7, 6, 50, 12), title=f"{station_name}{year}年培训记录")
    return save_atomic(wb, target)


def write_assessments(rows: Sequence, evaluations: Sequence, year: int, target: Path, station_name: str) -> Path:
    wb, ws = _book("年度考核")
    data = [(n, r.name, r.role.label, r.year, r.grade.label if r.grade else "未考核",
             float(r.score) if r.score is not None else None, r.assessed_on, r.units, r.notes)
            for n, r in enumerate(rows, 1)]
    write_table(ws, ("序号", "姓名", "岗位角色", "考核年度", "考核等次", "得分", "考核日期", "考核单位", "备注"), data,
                (6, 10, 16, 9, 9, 7, 12, 34, 30), title=f"{station_name}{year}年度工作人员考核结果")
    ev = wb.create_sheet("第三方评估")
    ev_rows = [(e.year, e.evaluator, e.result.label, float(e.score) if e.score is not None else None,
                e.evaluated_on, e.notes) for e in evaluations]
    write_table(ev, ("评估年度", "评估机构", "评估结果", "得分", "评估日期", "备注"), ev_rows, (9, 30, 9, 7, 12, 40),
                title=f"{station_name}第三方评估结果")
    return save_atomic(wb, target)


def write_supervision(rows: Sequence, target: Path, station_name: str, period: str,
                      missing_text: str = "") -> Path:
    wb, ws = _book("督导记录")
    data = [(n, r.date_text, r.supervisor, r.organisation, float(r.hours),
             "否" if r.short else "是", len(r.staff_names), "、".join(r.staff_names), r.topics)
            for n, r in enumerate(rows, 1)]
    last = write_table(ws, ("序号", "督导日期", "督导员", "督导机构", "时长(小时)", f"达{SUPERVISION_VISIT_HOURS}小时",
                            "人数", "参加人员", "督导内容"), data, (6, 22, 10, 22, 10, 10, 6, 46, 50),
                       title=f"{station_name}督导记录（{period}）")
    total = sum((r.hours for r in rows), 0)
    text = f"共 {len(rows)} 次，{hours_text(total)} 小时。每月至少督导 1 次，每次不少于 {SUPERVISION_VISIT_HOURS} 小时。"
    note_row(ws, last + 2, text + (f"没有督导记录的月份：{missing_text}。" if missing_text else ""), 9)
    return save_atomic(wb, target)
