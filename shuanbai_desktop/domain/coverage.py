"""Coverage of the station's villages by service points (R1.3, R1.5)."""

from __future__ import annotations

from dataclasses import dataclass

POINT_VILLAGE_GUIDE = 3  # in principle one point per 3 nearby villages


@dataclass(frozen=True)
class PointCoverage:
    point_name: str
    village_names: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    total_villages: int
    covered_villages: int
    uncovered: tuple[str, ...]
    points_over_guide: tuple[PointCoverage, ...]

    @property
    def share(self) -> float:
        return self.covered_villages / self.total_villages if self.total_villages else 0.0

    @property
    def percent_text(self) -> str:
        return f"{self.share * 100:.1f}%"


def compute_coverage(villages: dict[str, str], points: list[tuple[str, list[str]]]) -> Coverage:
    """``villages`` maps code → name; ``points`` are (name, [village codes]) of active points."""
    covered = {code for _, codes in points for code in codes if code in villages}
    uncovered = tuple(villages[c] for c in sorted(villages) if c not in covered)
    over = tuple(PointCoverage(name, tuple(villages[c] for c in codes if c in villages))
                 for name, codes in points if len(codes) > POINT_VILLAGE_GUIDE)
    return Coverage(len(villages), len(covered), uncovered, over)
