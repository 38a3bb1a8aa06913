"""Hostile workbooks reach the program where users hand it files: the county merge (command line)
and the county's template. Each is refused with the guarded reader's Chinese reason, quickly and
without reading the bomb (figures: tests/benchmarks/bench_workbook_bomb.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.report import template

from ..workbook_bombs import (
    BILLION_LAUGHS,
    huge_strings,
    laughing,
    rebuild,
    small_xlsx,
    strings_bomb_parts,
    swap_package_workbook,
)
from .test_cli import cli
from .test_report_county import TOWNS, _station_export
from .test_report_template import may  # noqa: F401  (fixture)

GIB = 1024 * 1024 * 1024


@pytest.fixture
def packages(tmp_path) -> list[Path]:
    usb = tmp_path / "U盘"
    usb.mkdir()
    return [_station_export(tmp_path / code, code, name, usb) for code, name in TOWNS[:2]]


def test_county_merge_refuses_a_workbook_bomb_and_merges_the_rest(packages, tmp_path):
    workbook = next(packages[0].glob("*.xlsx"))
    swap_package_workbook(packages[0], strings_bomb_parts(workbook, GIB))
    assert workbook.stat().st_size < 5 * 1024 * 1024
    with zipfile.ZipFile(next(packages[1].glob("*.xlsx"))) as zf:
        workbook_xml = zf.read("xl/workbook.xml")
    laughs = swap_package_workbook(packages[1], {"xl/workbook.xml": lambda: [laughing(workbook_xml)]})
    out = tmp_path / "汇总.xlsx"
    done = cli("county-merge", *packages, "--out", out)
    assert done.returncode == 2, done.stderr
    assert (f"已拒收：{packages[0].name}（文件“{workbook.name}”中的“xl/sharedStrings.xml”解压后超过 16 MB，"
            "可能是恶意文件，已拒绝读取。）") in done.stderr
    assert f"已拒收：{packages[1].name}（文件“{laughs.name}”中的“xl/workbook.xml”含有 XML 实体声明" in done.stderr
    assert "没有可以汇总的月度报表" in done.stderr and not out.exists()


def test_county_merge_refuses_a_zip_with_too_many_parts(packages, tmp_path):
    crowded = tmp_path / "多.zip"
    with zipfile.ZipFile(crowded, "w") as zf:
        for path in packages[0].iterdir():
            zf.write(path, path.name)
        for i in range(2_000):
            zf.writestr(f"垃圾/{i}.txt", "")
    out = tmp_path / "汇总.xlsx"
    done = cli("county-merge", crowded, packages[1], "--out", out)
    assert done.returncode == 0, done.stderr
    assert "已拒收：多.zip（文件“多.zip”包含 2003 个内部文件，超过 2000 个的上限" in done.stderr
    assert "已汇总" in done.stdout and out.is_file()


def test_a_template_bomb_is_refused_and_nothing_is_loaded(station_db, may, tmp_path):  # noqa: F811
    form = small_xlsx(tmp_path / "form.xlsx")
    bomb = rebuild(form, tmp_path / "县里的表.xlsx", {"xl/sharedStrings.xml": huge_strings(GIB)}, level=9)
    laughs = rebuild(form, tmp_path / "笑.xlsx", {"xl/sharedStrings.xml": lambda: [BILLION_LAUGHS]})
    with station_db.session() as s:
        with pytest.raises(UserError, match="解压后超过 32 MB") as caught:
            template.load(s, bomb, may)
        assert caught.value.field == "县级报表模板" and "县里的表.xlsx" in caught.value.message
        with pytest.raises(UserError, match="实体声明"):
            template.load(s, laughs, may)
        with pytest.raises(UserError, match="解压后超过 32 MB"):
            template.from_file(bomb)
        assert template.active_info(s) is None
