"""Staffing checks (R1.2, R1.4): 事务性 posts filled, 服务性 headcount against the villages, every
service point staffed, one worker per village, certified share. Pure: workers and names in."""

from __future__ import annotations

from dataclasses import dataclass

from .staff_labels import Certificate, StaffRole

AFFAIRS_POSTS = 3  # 事务性岗位原则上每个社工站设置3人
AFFAIRS_ROLES = (StaffRole.DEPUTY_HEAD, StaffRole.AFFAIRS_WORKER, StaffRole.DISABILITY_OFFICER)


@dataclass(frozen=True)
class Worker:
    """One worker on the staff, as the staffing checks see them."""

    name: str
    role: StaffRole
    certificate: Certificate
    point_id: int | None
    village_codes: tuple[str, ...]


@dataclass(frozen=True)
class CheckLine:
    ok: bool | None  # None: for information only
    title: str
    detail: str


@dataclass(frozen=True)
class StaffingChecks:
    affairs_count: int
    missing_roles: tuple[str, ...]
    service_count: int
    village_count: int
    point_count: int
    points_without_worker: tuple[str, ...]
    villages_without_worker: tuple[str, ...]
    certified: int
    total: int
    # 服务性 workers who serve more than one village: "姓名（甲村、乙村）", in name order
    workers_with_several_villages: tuple[str, ...] = ()

    @property
    def certified_share(self) -> float:
        return self.certified / self.total if self.total else 0.0

    @property
    def lines(self) -> tuple[CheckLine, ...]:
        return (_affairs_line(self), _service_line(self), _points_line(self), _villages_line(self),
                _one_village_line(self),
                CheckLine(None, f"持证社工 {self.certified} / {self.total} 人（{self.certified_share * 100:.0f}%）",
                          "持助理社会工作师及以上职业资格证书的在岗人员所占比例。"))

    @property
    def problems(self) -> tuple[CheckLine, ...]:
        return tuple(line for line in self.lines if line.ok is False)


def _names(items: tuple[str, ...], limit: int = 6) -> str:
    return "、".join(items[:limit]) + ("等" if len(items) > limit else "")


def _affairs_line(c: StaffingChecks) -> CheckLine:
    ok = c.affairs_count >= AFFAIRS_POSTS
    detail = "副站长、事务性岗位社工、残疾人专职委员各 1 人。"
    if c.missing_roles:
        detail = f"缺少：{_names(c.missing_roles)}。" + detail
    return CheckLine(ok, f"事务性岗位 {c.affairs_count} / {AFFAIRS_POSTS} 人", detail)


def _service_line(c: StaffingChecks) -> CheckLine:
    ok = c.service_count >= c.village_count
    gap = "" if ok else f"，还差 {c.village_count - c.service_count} 人"
    return CheckLine(ok, f"服务性岗位社工 {c.service_count} 人，辖 {c.village_count} 个村(居){gap}",
                     "服务性岗位总人数原则上不少于所辖村(居)数量。")


def _points_line(c: StaffingChecks) -> CheckLine:
    if not c.point_count:
        return CheckLine(False, "尚未设立社工点", "请先在“设置 → 站点信息”中设立社工点。")
    if c.points_without_worker:
        return CheckLine(False, f"{len(c.points_without_worker)} 个社工点没有社工",
                         f"没有社工的社工点：{_names(c.points_without_worker)}。每个社工点不少于 1 人。")
    return CheckLine(True, f"{c.point_count} 个社工点都已配备社工", "每个社工点不少于 1 人。")


def _villages_line(c: StaffingChecks) -> CheckLine:
    if not c.villages_without_worker:
        return CheckLine(True, "每个村(居)都有负责的社工", "原则上 1 名社工负责 1 个村(居)的服务。")
    return CheckLine(False, f"{len(c.villages_without_worker)} 个村(居)没有负责的社工",
                     f"未指定社工的村(居)：{_names(c.villages_without_worker)}。原则上 1 名社工负责 1 个村(居)。")


def _one_village_line(c: StaffingChecks) -> CheckLine:
    rule = "原则上 1 名社工负责 1 个村(居)（在“人员 → 人员名册”中修改负责的村(居)）。"
    if not c.workers_with_several_villages:
        return CheckLine(True, "每名服务性岗位社工只负责 1 个村(居)", rule)
    count = len(c.workers_with_several_villages)
    return CheckLine(False, f"{count} 名社工负责 2 个以上村(居)",
                     f"{_names(c.workers_with_several_villages, 4)}。" + rule)


def staffing_checks(workers: list[Worker], villages: dict[str, str], points: dict[int, str]) -> StaffingChecks:
    """``villages`` code → name, ``points`` id → name (active points); ``workers`` on the staff now."""
    affairs = [w for w in workers if w.role in AFFAIRS_ROLES]
    filled = {w.role for w in affairs}
    staffed_points = {w.point_id for w in workers if w.point_id is not None}
    served = {code for w in workers for code in w.village_codes}
    return StaffingChecks(
        affairs_count=len(affairs),
        missing_roles=tuple(r.label for r in AFFAIRS_ROLES if r not in filled),
        service_count=sum(w.role is StaffRole.SERVICE_WORKER for w in workers),
        village_count=len(villages),
        point_count=len(points),
        points_without_worker=tuple(name for pid, name in points.items() if pid not in staffed_points),
        villages_without_worker=tuple(villages[c] for c in sorted(villages) if c not in served),
        certified=sum(w.certificate.certified for w in workers),
        total=len(workers),
        workers_with_several_villages=_several_villages(workers, villages),
    )


def _several_villages(workers: list[Worker], villages: dict[str, str]) -> tuple[str, ...]:
    """R1.4: a 服务性 worker assigned to several villages, with the villages' names."""
    out = []
    for w in sorted(workers, key=lambda worker: worker.name):
        codes = sorted(set(w.village_codes))
        if w.role is not StaffRole.SERVICE_WORKER or len(codes) < 2:
            continue
        names = "、".join(villages.get(code, code) for code in codes)
        out.append(f"{w.name}（{names}）")
    return tuple(out)
