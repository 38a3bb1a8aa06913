"""The shipped Guangdong division tree (NBS statistical codes, 2023 edition).

Read from ``resources/divisions/*.csv`` once per process; see SOURCE.md there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from .. import paths


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str


def _read(name: str, parent_column: str) -> list[Division]:
    with (paths.resources_dir() / "divisions" / name).open(encoding="utf-8", newline="") as fh:
        return [Division(r["code"], r["name"], r[parent_column]) for r in csv.DictReader(fh)]


@cache
def _level(name: str, parent_column: str) -> dict[str, list[Division]]:
    out: dict[str, list[Division]] = {}
    for d in _read(name, parent_column):
        out.setdefault(d.parent, []).append(d)
    return out


def cities() -> list[Division]:
    return _level("cities.csv", "provinceCode")["44"]


def counties(city_code: str) -> list[Division]:
    return _level("areas.csv", "cityCode").get(city_code, [])


def towns(county_code: str) -> list[Division]:
    return _level("streets.csv", "areaCode").get(county_code, [])


def villages(town_code: str) -> list[Division]:
    return _level("villages.csv", "streetCode").get(town_code, [])


@dataclass(frozen=True)
class TownPath:
    city: Division
    county: Division
    town: Division


def find_town(code: str) -> TownPath | None:
    """The city and county above a 9-digit township code, or None if unknown."""
    if len(code) != 9 or not code.isdigit():
        return None
    city = next((c for c in cities() if c.code == code[:4]), None)
    county = next((c for c in counties(code[:4]) if c.code == code[:6]), None)
    town = next((t for t in towns(code[:6]) if t.code == code), None)
    if city and county and town:
        return TownPath(city, county, town)
    return None
