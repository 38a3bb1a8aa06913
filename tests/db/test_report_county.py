"""County merge: three stations' exports give the sums; tampered or foreign packages are refused."""

from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shuanbai_desktop.services import station
from shuanbai_desktop.services.database_ops import open_app_database
from shuanbai_desktop.services.report import county, package

from .test_cli import act_as
from .test_report_figures import build_known

TOWNS = (("441302001", "桥东街道"), ("441302002", "桥西街道"), ("441302003", "江南街道"))


def _station_export(folder: Path, town: str, name: str, out: Path, as_zip: bool = False) -> Path:
    folder.mkdir()
    db = open_app_database(folder / "station.db")
    try:
        with db.session() as s:
            station.setup_station(s, town, f"{name}社会工作服务站", "", "", "admin", "副站长", "Zhan2024abc")
        act_as(db)
        build_known(db)
        with db.session() as s:
            return package.export_month(s, 2024, 5, out, as_zip=as_zip).package
    finally:
        db.close()


@pytest.fixture
def exports(tmp_path) -> list[Path]:
    usb = tmp_path / "U盘"
    usb.mkdir()
    return [_station_export(tmp_path / code, code, name, usb, as_zip=i == 2) for i, (code, name) in enumerate(TOWNS)]


def _summary_rows(path: Path):
    ws = load_workbook(path)["汇总"]
    headers = [c.value for c in ws[2]]
    rows = [dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)]
    return headers, rows


def test_three_stations_merge_into_their_sums(exports, tmp_path):
    result = county.merge([exports[0].parent], tmp_path / "汇总.xlsx")
    assert [p.town_code for p in result.accepted] == [code for code, _ in TOWNS]
    assert result.month == "2024-05" and result.county_name == "惠城区" and not result.rejected
    assert result.totals["visits.households"] == 9 and result.totals["targets.total"] == 12
    assert result.totals["resources.value_yuan"] == Decimal("1500.00")
    assert result.totals["basic.villages"] == 13 + 13 + 8
    assert result.totals["window.on_time_rate"] == 66.7  # 6 of 9, recomputed, not averaged
    headers, rows = _summary_rows(result.target)
    total = rows[-1]
    assert total["乡镇(街道)"] == "合计" and total["入户走访户次（户次）"] == 9
    assert [r["入户走访户次（户次）"] for r in rows[:-1]] == [3, 3, 3]
    assert Decimal(str(total["链接资源折合金额（元）"])) == Decimal("1500")
    missing = load_workbook(result.target)["未报送"]
    names = [row[1] for row in missing.iter_rows(min_row=3, values_only=True)]
    assert "桥西街道" not in names and "汝湖镇" in names and len(names) == 21 - 3


def test_a_tampered_workbook_is_refused_with_the_reason(exports, tmp_path):
    workbook = next(exports[1].glob("*.xlsx"))
    data = bytearray(workbook.read_bytes())
    data[-30] ^= 0x01
    workbook.write_bytes(bytes(data))
    result = county.merge(exports, tmp_path / "汇总.xlsx")
    assert [p.town_code for p in result.accepted] == ["441302001", "441302003"]
    [refused] = result.rejected
    assert refused.source == exports[1].name and "校验值" in refused.reason
    assert result.totals["visits.households"] == 6


def test_changed_figures_in_the_manifest_do_not_pass(exports, tmp_path):
    path = exports[0] / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for f in manifest["figures"]:
        if f["key"] == "visits.households":
            f["value"] = 300
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    result = county.merge(exports, tmp_path / "汇总.xlsx")
    [refused] = result.rejected
    assert "入户走访户次" in refused.reason and "不符" in refused.reason


def test_wrong_layout_version_and_foreign_files_are_refused(exports, tmp_path):
    path = exports[0] / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["layout_version"] = "1"  # an older program's package (the layout is at version 2)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    stray = tmp_path / "别的.zip"
    with zipfile.ZipFile(stray, "w") as zf:
        zf.writestr("说明.txt", "不是报表")
    result = county.merge([*exports, stray], tmp_path / "汇总.xlsx")
    reasons = {o.source: o.reason for o in result.rejected}
    assert "格式版本为 1" in reasons[exports[0].name] and "manifest.json" in reasons["别的.zip"]
    assert len(result.accepted) == 2


def test_the_newest_version_of_a_town_is_used(exports, tmp_path):
    copy = tmp_path / "旧版" / exports[0].name
    shutil.copytree(exports[0], copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = 0
    (copy / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    result = county.merge([*exports, copy], tmp_path / "汇总.xlsx")
    assert len(result.accepted) == 3
    assert [o.result for o in result.outcomes if o.source == copy.name and o.version == 0] == ["未采用"]


def test_nothing_to_merge_says_why(tmp_path):
    empty = tmp_path / "空"
    empty.mkdir()
    with pytest.raises(county.NothingToMerge) as caught:
        county.merge([empty], tmp_path / "汇总.xlsx")
    assert "没有找到月度报表" in caught.value.outcomes[0].reason
