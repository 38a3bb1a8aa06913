"""The county side, part 2: merge the verified packages of one month into the county summary.

One row per town (the newest version when a town sent several), a 合计 row (stocks and
flows added up, rates recomputed from the totals), the county's towns that sent nothing,
and every package's check result. No station database is needed.
"""

from __future__ import annotations

import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...data import divisions
from ...data.month_lock import month_text
from ...errors import UserError
from .aggregate import combine
from .county_read import Refused, StationPackage, discover, verify
from .layout import Value


@dataclass(frozen=True)
class Outcome:
    source: str
    town: str
    month: str
    version: int | None
    result: str  # 已汇总 / 已拒收 / 未采用
    reason: str


class NothingToMerge(UserError):
    """No package passed the checks; ``outcomes`` say why each was refused."""

    def __init__(self, message: str, outcomes: list[Outcome]):
        super().__init__(message, field="报表")
        self.outcomes = tuple(outcomes)


@dataclass(frozen=True)
class MergeResult:
    month: str
    county_code: str
    county_name: str
    accepted: tuple[StationPackage, ...]
    outcomes: tuple[Outcome, ...]
    missing: tuple[tuple[str, str], ...]  # (town code, name)
    totals: dict[str, Value]
    target: Path

    @property
    def rejected(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.result == "已拒收")


def _read_all(paths, progress) -> tuple[list[StationPackage], list[Outcome]]:
    sources, bad = discover(list(paths))
    packages, outcomes = [], [Outcome(name, "", "", None, "已拒收", reason) for name, reason in bad]
    for i, source in enumerate(sources):
        progress(int(i * 80 / max(len(sources), 1)), f"正在校验：{source.label}")
        try:
            packages.append(verify(source))
        except Refused as exc:
            outcomes.append(Outcome(source.label, "", "", None, "已拒收", exc.reason))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            outcomes.append(Outcome(source.label, "", "", None, "已拒收", "文件无法读取，可能已损坏。"))
    return packages, outcomes


def _select(packages: list[StationPackage], month: str | None) -> tuple[str, str, list[StationPackage], list[Outcome]]:
    """Keep one county, one month, the newest version per town; say why the others are left."""
    month = month or Counter(p.month for p in packages).most_common(1)[0][0]
    commonest = Counter(p.county_code for p in packages if p.month == month).most_common(1)
    county = commonest[0][0] if commonest else packages[0].county_code
    newest: dict[str, StationPackage] = {}
    out: list[Outcome] = []
    for p in sorted(packages, key=lambda p: (p.town_code, -p.version)):
        why = ("月份不是 " + month_text(month) if p.month != month else "不属于本县(区)" if p.county_code != county
               else f"已有该站第 {newest[p.town_code].version} 版" if p.town_code in newest else "")
        if why:
            result = "未采用" if p.town_code in newest and p.month == month else "已拒收"
            out.append(Outcome(p.source, p.town_name, p.month, p.version, result, why))
        else:
            newest[p.town_code] = p
    return month, county, sorted(newest.values(), key=lambda p: p.town_code), out


def _columns(accepted: list[StationPackage]) -> list[tuple[str, str, str, str]]:
    """(key, label, unit, agg) of every fixed figure, in layout order, text rows left out."""
    seen: dict[str, tuple[str, str, str, str]] = {}
    for p in accepted:
        for f in p.figures:
            if f.get("agg") != "text" and not f.get("family") and f["key"] not in seen:
                seen[f["key"]] = (f["key"], f.get("label", ""), f.get("unit", ""), f.get("agg", "sum"))
    return list(seen.values())


def _write(target: Path, month: str, county: str, county_name: str, accepted, columns, totals, missing,
           outcomes) -> None:
    from ...exports.report_xlsx import write_county
    headers = ["序号", "乡镇(街道)", "区划代码", "社工站", "版本"] + [
        f"{label.strip('　')}（{unit}）" if unit else label for _, label, unit, _ in columns]
    rows = [[i, p.town_name, p.town_code, p.station_name, p.version] + [p.values.get(k) for k, *_ in columns]
            for i, p in enumerate(accepted, 1)]
    rows.append([None, "合计", None, f"{len(accepted)} 个乡镇(街道)", None] + [totals.get(k) for k, *_ in columns])
    results = [[i, o.source, o.town, o.month, o.version, o.result, o.reason] for i, o in enumerate(outcomes, 1)]
    write_county(target, f"{county_name}{month_text(month)}社工站月度报表汇总", headers, rows,
                 [[i, name, code] for i, (code, name) in enumerate(missing, 1)], results, county_name)


def merge(paths, target: Path, month: str | None = None,
          progress: Callable[[int, str], None] | None = None) -> MergeResult:
    """Verify and merge; rejected packages are listed, not fatal, unless none is left."""
    progress = progress or (lambda *_: None)
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise UserError("汇总表应保存为 .xlsx 文件。", field="汇总表")
    packages, outcomes = _read_all(paths, progress)
    if not packages:
        raise NothingToMerge("没有可以汇总的月度报表：所有文件都未通过校验。", outcomes)
    month, county, accepted, left = _select(packages, month)
    if not accepted:
        raise NothingToMerge(f"没有 {month_text(month)} 的月度报表可以汇总。", outcomes + left)
    columns = _columns(accepted)
    totals = combine([p.values for p in accepted], [(k, agg) for k, _, _, agg in columns], stocks="sum")
    reported = {p.town_code for p in accepted}
    missing = tuple((t.code, t.name) for t in divisions.towns(county) if t.code not in reported)
    outcomes += left + [Outcome(p.source, p.town_name, p.month, p.version, "已汇总", "") for p in accepted]
    county_name = accepted[0].county_name
    progress(90, "正在写汇总表")
    _write(target, month, county, county_name, accepted, columns, totals, missing, outcomes)
    progress(100, "完成")
    return MergeResult(month, county, county_name, tuple(accepted), tuple(outcomes), missing, totals, target)
