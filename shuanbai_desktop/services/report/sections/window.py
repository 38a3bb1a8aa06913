"""窗口经办: registrations by channel and matter, on the spot / assigned / transferred, results,
time limits, follow-ups (R5), from ``services.window.month_figures``."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, func, select
from sqlalchemy.orm import Session

from ..layout import Check, Group, Row
from .common import check_from_query, day, month_bounds

LABEL = "窗口经办"
PACKAGE = "window"
SRC = "窗口登记：登记日期在本月、未作废"


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _register_rows(f) -> tuple[Row, ...]:
    from ....domain.counter_labels import Channel
    channels = dict(f.by_channel)
    return (Row("window.registrations", "本月登记事项", f.registrations, "件", SRC),
            *(Row(f"window.channel.{c.value}", f"其中：{c.label}", channels.get(c.label, 0), "件", SRC)
              for c in Channel),
            Row("window.voided", "本月作废的登记", f.voided, "件", "登记日期在本月、因录入错误作废，不计入上列"))


def _handling_rows(f) -> tuple[Row, ...]:
    return (Row("window.on_spot", "当场办结", f.done_on_spot, "件", f"{SRC}，首次处理方式"),
            Row("window.assigned", "分办（站内）", f.assigned, "件", f"{SRC}，首次处理方式"),
            Row("window.transferred", "转办（其他部门）", f.transferred, "件", f"{SRC}，首次处理方式"))


def _result_rows(f) -> tuple[Row, ...]:
    return (
        Row("window.closed", "本月办结", f.closed, "件", "办结日期在本月（不论何月登记）"),
        Row("window.closed_on_time", "其中：按时办结", f.closed_on_time, "件", "办结日期不晚于应办结日期"),
        Row("window.closed_late", "其中：超时办结", f.closed_late, "件", "办结日期晚于应办结日期"),
        Row("window.on_time_rate", "按时办结率", _rate(f.on_time_rate), "%", "按时办结 ÷ 本月办结 × 100；无办结时为“—”",
            "rate:window.closed_on_time/window.closed"),
        Row("window.open_at_end", "月末未办结", f.open_at_end, "件", "登记不晚于月末、月末尚未办结（本月则为今天）", "end"),
        Row("window.overdue_open", "其中：超期未办结", f.overdue_open, "件", "已过应办结日期仍未办结", "end"),
    )


def _follow_rows(f) -> tuple[Row, ...]:
    return (
        Row("window.follow_ups", "本月回访", f.follow_ups, "次", "回访日期在本月"),
        Row("window.satisfied", "其中：满意", f.satisfied, "次", "回访结果"),
        Row("window.fairly_satisfied", "其中：基本满意", f.fairly_satisfied, "次", "回访结果"),
        Row("window.unsatisfied", "其中：不满意", f.unsatisfied, "次", "回访结果"),
        Row("window.satisfaction_rate", "满意率", _rate(f.satisfaction_rate), "%",
            "（满意 + 基本满意）÷ 回访次数 × 100；无回访时为“—”",
            "rate:window.satisfied+window.fairly_satisfied/window.follow_ups"),
    )


def _named_rows(prefix: str, counts, names, source: str) -> tuple[Row, ...]:
    counts = dict(counts)
    ordered = list(names) + [n for n in counts if n not in names]
    return tuple(Row(f"{prefix}.{name}", name, counts.get(name, 0), "件", source) for name in ordered)


def groups(session: Session, year: int, month: int, month_figures, today: date) -> list[Group]:
    from ....data.models.window import WindowDepartment, WindowMatterType
    f = month_figures(session, year, month, today)
    matters = session.scalars(select(WindowMatterType.name).where(WindowMatterType.active.is_(True))
                              .order_by(WindowMatterType.sort_order, WindowMatterType.name)).all()
    departments = session.scalars(select(WindowDepartment.name).where(WindowDepartment.active.is_(True))
                                  .order_by(WindowDepartment.sort_order, WindowDepartment.name)).all()
    return [
        Group("window", "登记（首问负责，R5.1）", _register_rows(f)),
        Group("window", "分办转办（R5.3）", _handling_rows(f)),
        Group("window", "办结与时限（R5.4）", _result_rows(f)),
        Group("window", "结果回访（R5.5）", _follow_rows(f)),
        Group("window", "按事项（本月登记）", _named_rows("window.matter", f.by_matter, matters, SRC),
              family="matter"),
        Group("window", "转办部门（本月登记中转办的）", _named_rows(
            "window.department", f.transferred_by_department, departments, "首次转办的接收部门"), family="department"),
    ]


def _scanned(column):
    """``column`` as an expression SQLite cannot look up by index: when a condition keeps most of the
    rows, one pass over the table is several times faster than following the index row by row."""
    return func.date(column) if isinstance(column.type, Date) else column.concat("")


def checks(session: Session, year: int, month: int, today: date) -> list[Check]:
    from ....data.models.window import WindowRegistration as R
    first, last = month_bounds(year, month)
    base = select(R.id, R.ticket_no, R.matter_name).where(R.status != "void").order_by(R.ticket_no)
    text = lambda no, matter: f"{no} {matter}"  # noqa: E731
    late_base = select(R.id, R.ticket_no, R.matter_name, R.due_date).where(R.status != "void").order_by(R.due_date)
    cutoff = min(last + timedelta(days=1), today)  # as the figures count 超期未办结
    unfinished = (_scanned(R.registered_on) <= last, (R.result_date.is_(None) | (R.result_date > last)),
                  R.due_date < cutoff)
    return (
        check_from_query(session, base.where(_scanned(R.status) == "done", R.result_date.between(first, last),
                                             R.result == ""),
                         key="window.no_result", sheet="window", level="error", title="{n} 件已办结事项没有填写办理结果",
                         hint="打开登记，补填办理结果。", table="window_registration", area="window.matters", text=text)
        + check_from_query(session, base.where(R.handling == "transfer", R.registered_on.between(first, last),
                                               R.department_name == ""),
                           key="window.no_department", sheet="window", level="error",
                           title="{n} 件转办事项没有记录接收部门", hint="打开登记，补记转办的部门。",
                           table="window_registration", area="window.matters", text=text)
        + check_from_query(session, base.where(R.result_date < R.registered_on, R.registered_on >= first),
                           key="window.result_before_registration", sheet="window", level="error",
                           title="{n} 件事项的办结日期早于登记日期", hint="两个日期互相矛盾，请核对后更正。",
                           table="window_registration", area="window.matters", text=text)
        + check_from_query(session, late_base.where(*unfinished), key="window.overdue", sheet="window",
                           level="warning", title="{n} 件事项到月末已超期未办结",
                           hint="请督办，或在登记中说明延期原因。", table="window_registration", area="window.matters",
                           text=lambda no, matter, due: f"{no} {matter}（应于 {day(due)} 办结）"))
