"""基本情况: the station, its villages, service points and their coverage (R1)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....data.models import Village
from ....errors import UserError
from ... import station
from ..layout import Check, Group, RecordRef, Row, percent

LABEL = "基本情况"
PACKAGE = None
SOURCE_POINTS = "设置 → 站点信息中在用的社工点（导出时的状态）"


def _station_rows(info: station.StationInfo, year: int, month: int) -> tuple[Row, ...]:
    import calendar
    last = calendar.monthrange(year, month)[1]
    return (
        Row("station.name", "社工站名称", info.name, source="设置 → 站点信息", agg="text"),
        Row("station.town_code", "乡镇(街道)区划代码", info.town_code, source="统计用区划代码（9位）", agg="text"),
        Row("station.town_name", "乡镇(街道)", info.town_name, source="区划数据", agg="text"),
        Row("station.county_name", "所属县(市、区)", info.county_name, source="区划数据", agg="text"),
        Row("station.county_code", "县(市、区)区划代码", info.county_code, source="区划数据（6位）", agg="text"),
        Row("report.month", "报表月份", f"{year}年{month}月", agg="text"),
        Row("report.period", "统计期间", f"{year}-{month:02d}-01 至 {year}-{month:02d}-{last:02d}", agg="text"),
    )


def _coverage_rows(session: Session) -> tuple[Row, ...]:
    cov = station.coverage(session)
    points = station.list_service_points(session)
    return (
        Row("basic.villages", "村(居)总数", cov.total_villages, "个", "区划数据中本乡镇(街道)的村(居)委会", "end"),
        Row("basic.points", "社工点数", len(points), "个", SOURCE_POINTS, "end"),
        Row("basic.villages_covered", "社工点覆盖的村(居)数", cov.covered_villages, "个", SOURCE_POINTS, "end"),
        Row("basic.villages_uncovered", "未覆盖的村(居)数", cov.total_villages - cov.covered_villages, "个",
            "村(居)总数 − 覆盖数", "end"),
        Row("basic.coverage_percent", "社工点覆盖率", percent(cov.covered_villages, cov.total_villages), "%",
            "覆盖的村(居)数 ÷ 村(居)总数 × 100（R1.5 目标 100%）",
            "rate:basic.villages_covered/basic.villages"),
    )


def groups(session: Session, year: int, month: int, _figures, _today: date) -> list[Group]:
    info = station.get_station(session)
    if info is None:  # collect.station_header refuses this first, with the same message
        raise UserError("本数据库还没有设立社工站，不能生成报表。")
    return [Group("basic", "站点", _station_rows(info, year, month)),
            Group("basic", "社工点与覆盖", _coverage_rows(session))]


def checks(session: Session, year: int, month: int, _today: date) -> list[Check]:
    points = station.list_service_points(session)
    covered = {c for p in points for c in p.village_codes}
    villages = session.execute(select(Village.code, Village.name).order_by(Village.code)).all()
    missing = [RecordRef("village", code, name, "settings.station") for code, name in villages if code not in covered]
    if not missing:
        return []
    return [Check("basic.uncovered", "basic", "warning", f"{len(missing)} 个村(居)未被社工点覆盖",
                  "在“设置 → 站点信息”中为这些村(居)指定社工点，覆盖率才能达到 100%。", len(missing),
                  tuple(missing))]
