"""资产档案 (assets part): the register at the month's end and the month's changes (R3.1),
from ``services.assets.month_figures``."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..layout import Check, Group, RecordRef, Row

LABEL = "资产"
PACKAGE = "assets"
END = "资产登记：按变动记录推算的月末状态，不含已报废"


def _stock_rows(f) -> tuple[Row, ...]:
    return (
        Row("assets.total", "在账资产", f.total, "条", END, "end"),
        Row("assets.total_value", "在账资产原值", f.total_value, "元", END, "end"),
        Row("assets.in_use", "其中：在用", f.in_use, "条", END, "end"),
        Row("assets.idle", "其中：闲置", f.idle, "条", END, "end"),
        Row("assets.in_repair", "其中：维修", f.in_repair, "条", END, "end"),
        Row("assets.at_station", "存放在站本部", f.at_station, "条", END, "end"),
        Row("assets.value_at_station", "站本部资产原值", f.value_at_station, "元", END, "end"),
        Row("assets.at_points", "存放在各社工点", f.at_points, "条", END, "end"),
        Row("assets.value_at_points", "各社工点资产原值", f.value_at_points, "元", END, "end"),
        Row("assets.scrapped", "累计报废", f.scrapped, "条", "截至月末报废的条数", "end"),
        Row("assets.places_missing_required", "缺少规定牌匾或电脑、打印机的地点", f.places_missing_required, "个",
            "资产 → 规定配置（导出时的状态）", "end"),
    )


def _change_rows(f) -> tuple[Row, ...]:
    src = "资产变动记录：日期在本月"
    return (
        Row("assets.added", "本月新增", f.added, "条", src),
        Row("assets.added_value", "本月新增原值", f.added_value, "元", src),
        Row("assets.disposed", "本月报废", f.disposed, "条", src),
        Row("assets.disposed_value", "本月报废原值", f.disposed_value, "元", src),
        Row("assets.issued", "领用", f.issued, "次", src),
        Row("assets.returned", "归还", f.returned, "次", src),
        Row("assets.moved", "调拨", f.moved, "次", src),
        Row("assets.sent_to_repair", "送修", f.sent_to_repair, "次", src),
    )


def groups(session: Session, year: int, month: int, month_figures, _today: date) -> list[Group]:
    f = month_figures(session, year, month)
    return [Group("assets", "资产（月末，R3.1）", _stock_rows(f)), Group("assets", "本月资产变动", _change_rows(f))]


def checks(session: Session, year: int, month: int, _today: date) -> list[Check]:
    from ...assets.checks import required_checks
    missing = [c for c in required_checks(session) if c.missing]
    if not missing:
        return []
    refs = tuple(RecordRef("service_point", c.point_id or 0, f"{c.place}：缺{'、'.join(i.label for i in c.missing)}",
                           "assets.checks") for c in missing)
    return [Check("assets.missing_required", "assets", "warning", f"{len(missing)} 个地点缺少规定的牌匾或设备",
                  "已有的请在资产登记中选上“规定配置”；确实缺少的请配齐。", len(missing), refs)]
