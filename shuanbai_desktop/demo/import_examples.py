"""The example ledgers of 导入数据 (resources/import_examples/): one per kind, a messy residents workbook with
its GB18030 CSV twin, one .xls and one .ods. Made-up names; ID numbers are valid (checksummed, county
441302 of the test station 桥东街道) and sex and birth date agree with them.

    python -m shuanbai_desktop.demo.import_examples OUTDIR

writes them all (and the folder's README.md). Everything is deterministic: the same seed, fixed dates
(``AS_OF``), workbooks re-packed with fixed timestamps. The .xls and .ods files are converted from an
.xlsx of the same grid by LibreOffice (``soffice --headless --convert-to``); without LibreOffice they are
left out (``--no-convert``) and the committed ones stay. tests/db/test_cli_import.py checks that the
committed files equal what this writes (the .xls/.ods by their cell values).

Not demo data of the station (no ``add_demo``): files a new station would bring.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..domain.idcard import make_id_number
from . import _name, _phone

AS_OF = date(2024, 12, 20)  # the day the examples were "filled in"
COUNTY = "441302"  # 惠城区: the test station's county (tests/conftest.py, tests/db/conftest.py)
ZIP_TIME = (2024, 12, 20, 9, 0, 0)
SEED = 20241220

Cell = str | int | float | date | datetime | time | None


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Cell]]
    merged: tuple[tuple[int, int, int, int], ...] = ()  # 0-based (r0, c0, r1, c1) inclusive, as the reader's Grid
    widths: tuple[int, ...] = ()
    header_rows: tuple[int, ...] = ()  # 0-based rows shown bold


@dataclass(frozen=True)
class Example:
    file_name: str
    kind: str  # ImportKind value
    format: str  # xlsx | csv | xls | ods
    sheet: Sheet
    records: int  # how many records an import of it creates (households: persons)
    about: str  # one line for README.md
    header_row: int = 1  # Excel row of the (first) header row
    encoding: str = "utf-8"  # csv only
    extra: dict = field(default_factory=dict)  # e.g. {"households": 6}


# -- people ------------------------------------------------------------------------------------------------

VILLAGES = (  # official name (in the station) → what rosters write
    ("东湖社区居委会", "东湖社区"), ("新建社区居委会", "新建社区"), ("菜园墩社区居委会", "菜园墩社区"),
    ("水东东社区居委会", "水东东社区"), ("和平直社区居委会", "和平直社区"), ("桃子园社区居委会", "桃子园社区"),
    ("东河社区居委会", "东河社区"), ("长湖苑社区居委会", "长湖苑社区"), ("荷乡社区居民委员会", "荷乡社区"),
    ("东城社区居委会", "东城社区"), ("西江社区居委会", "西江社区"), ("东平村民委员会", "东平村"),
    ("文头岭村民委员会", "文头岭村"),
)
STREETS = ("环城西路", "东湖西路", "菜园墩路", "水东街", "和平路", "桃子园路", "东河大道", "长湖苑路",
           "荷乡路", "东城大道", "西江路")


@dataclass
class _Person:
    name: str
    id_number: str
    sex: str
    birth: date
    phone: str
    village: str  # the roster's short name
    address: str


class _People:
    """Made-up people, each with a unique valid ID number of the county."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def person(self, age: int, sex: str | None = None, village: int | None = None, phone: bool = True) -> _Person:
        rng = self.rng
        birth = AS_OF - timedelta(days=age * 365 + rng.randint(10, 350))
        while True:
            seq = rng.randrange(1000)
            if sex is not None and (seq % 2 == 1) != (sex == "男"):
                seq = (seq + 1) % 1000
            number = make_id_number(COUNTY, birth, seq)
            if number not in self.used:
                break
        self.used.add(number)
        index = rng.randrange(len(VILLAGES)) if village is None else village
        short = VILLAGES[index][1]
        street = STREETS[index] if index < len(STREETS) else f"{short}{rng.randint(1, 9)}组"
        address = f"{short}{street}{rng.randint(1, 88)}号" if index < len(STREETS) else f"{street}{rng.randint(1, 60)}号"
        return _Person(_name(rng), number, "男" if int(number[16]) % 2 else "女", birth,
                       _phone(rng) if phone else "", short, address)


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


# -- residents ---------------------------------------------------------------------------------------------

RESIDENT_HEADERS = ("序号", "姓名", "性别", "身份证号", "出生日期", "联系电话", "村(居)", "家庭住址", "对象类别",
                    "待遇类别", "月领取金额（元）", "享受起始日期", "残疾类别", "残疾等级", "监护人姓名", "监护人关系",
                    "监护人电话", "健康状况", "备注")

# (groups, age, benefit, amount, disability, grade, health, note)
RESIDENT_PLAN = (
    ("低保对象", 46, "低保金", 520, "", "", "慢性病", ""),
    ("低保对象", 58, "低保金", 520, "", "", "", ""),
    ("低保对象、残疾人", 39, "低保金", 780, "肢体残疾", "二级", "", "轮椅出行"),
    ("低保对象", 67, "低保金", 520, "", "", "慢性病", "独居"),
    ("特困人员", 72, "特困供养金", 1352, "", "", "半失能", "分散供养"),
    ("特困人员", 81, "特困供养金", 1352, "", "", "失能", "分散供养，由侄子照料"),
    ("特困人员、残疾人", 55, "特困供养金", 1352, "智力残疾", "三级", "", ""),
    ("残疾人", 33, "残疾人两项补贴", 180, "视力残疾", "一级", "", ""),
    ("残疾人", 61, "残疾人两项补贴", 180, "听力残疾", "三级", "", ""),
    ("残疾人", 27, "残疾人两项补贴", 360, "精神残疾", "二级", "", "定期服药"),
    ("困境儿童", 9, "", None, "", "", "健康", "父亲服刑，由祖母抚养"),
    ("困境儿童", 13, "", None, "", "", "健康", ""),
    ("留守儿童", 7, "", None, "", "", "健康", "父母在深圳务工"),
    ("留守儿童", 11, "", None, "", "", "健康", "父母在东莞务工"),
    ("留守儿童", 5, "", None, "", "", "健康", ""),
    ("特殊困难老年人", 83, "高龄津贴", 100, "", "", "慢性病", "独居，子女在外地"),
    ("特殊困难老年人", 78, "", None, "", "", "半失能", "空巢"),
    ("特殊困难老年人", 90, "高龄津贴", 200, "", "", "失能", ""),
    ("留守妇女", 36, "", None, "", "", "健康", "丈夫在外务工"),
    ("留守妇女", 42, "", None, "", "", "健康", ""),
    ("低保对象", 51, "低保金", 520, "", "", "大病/重病", "肾透析"),
    ("低保对象、特殊困难老年人", 76, "低保金", 520, "", "", "慢性病", ""),
    ("残疾人", 48, "残疾人两项补贴", 180, "肢体残疾", "四级", "", ""),
    ("困境儿童、残疾人", 12, "残疾人两项补贴", 360, "言语残疾", "二级", "", ""),
    ("低保对象", 63, "低保金", 520, "", "", "", ""),
    ("其他", 55, "临时救助", 1500, "", "", "大病/重病", "2024年11月临时救助一次"),
)


def residents() -> Example:
    people = _People(SEED + 1)
    rows: list[list[Cell]] = []
    amounts = 0
    for number, (groups, age, benefit, amount, disability, grade, health, note) in enumerate(RESIDENT_PLAN, 1):
        child = age < 16
        sex = "女" if "妇女" in groups else None
        p = people.person(age, sex=sex, phone=not child)
        guardian = relation = guardian_phone = ""
        if child:
            grandparent = "留守" in groups or "祖母" in note
            keeper = people.person(age + 55 if grandparent else age + 30, phone=True)
            guardian, guardian_phone = keeper.name, keeper.phone
            relation = "祖父母" if grandparent else "父母"
        since = _day(people.rng, date(2016, 1, 1), date(2024, 6, 30)) if benefit else None
        if amount:
            amounts += amount
        rows.append([number, p.name, p.sex, p.id_number, p.birth, p.phone, p.village, p.address, groups,
                     benefit, amount, since, disability, grade, guardian, relation, guardian_phone, health, note])
    width = len(RESIDENT_HEADERS)
    total: list[Cell] = ["合计", f"{len(rows)}人"] + [None] * (width - 2)
    total[RESIDENT_HEADERS.index("月领取金额（元）")] = amounts
    grid: list[list[Cell]] = [
        ["桥东街道困难群众及服务对象花名册"] + [None] * (width - 1),
        ["填报单位：桥东街道社会工作服务站　　统计截至：2024年12月20日"] + [None] * (width - 1),
        list(RESIDENT_HEADERS), *rows, total]
    sheet = Sheet("花名册", grid, merged=((0, 0, 0, width - 1), (1, 0, 1, 9)),
                  widths=(6, 10, 6, 21, 12, 14, 12, 26, 18, 14, 12, 12, 10, 8, 10, 10, 14, 10, 24), header_rows=(2,))
    return Example("residents.xlsx", "residents", "xlsx", sheet, len(rows),
                   "居民和服务对象花名册：标题行、填报单位行、一行表头、合计行；对象类别可多选（用“、”分隔），"
                   "含待遇、残疾、监护人、健康状况。", header_row=3)


# -- the messy residents workbook and its CSV twin -------------------------------------------------------------

MESSY_PLAN = (  # (group, age, amount, how the birth date is written)
    ("低保对象", 52, 520, "dot"), ("低保对象", 66, 520, "slash"), ("特困人员", 74, 1352, "cn"),
    ("低保对象", 41, 780, "digits"), ("特困人员", 80, 1352, "dash"), ("低保对象", 35, 520, "dot"),
    ("低保对象", 59, 520, "cn"), ("特困人员", 69, 1352, "slash"), ("低保对象", 47, 1040, "dot"),
    ("低保对象", 71, 520, "digits"), ("特困人员", 62, 1352, "cn"), ("低保对象", 28, 520, "dash"),
    ("低保对象", 55, 780, "dot"), ("特困人员", 77, 1352, "slash"), ("低保对象", 64, 520, "cn"),
    ("低保对象", 44, 520, "digits"), ("特困人员", 86, 1352, "dot"), ("低保对象", 38, 1040, "dash"),
)
VILLAGE_SPELLINGS = ((0, "东湖社区居委会"), (0, "东湖"), (1, "新建社区"), (2, "菜园墩社区"), (3, "水东东社区"),
                     (11, "东平村委会"), (11, "东平村"), (12, "文头岭村"), (12, "文头岭村民委员会"), (5, "桃子园社区"),
                     (8, "荷乡社区"), (10, "西江社区"))  # (index into VILLAGES, as the roster writes it)


def _date_text(day: date, how: str) -> str | int:
    if how == "dot":
        return f"{day.year}.{day.month}.{day.day}"
    if how == "slash":
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    if how == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if how == "digits":
        return int(f"{day:%Y%m%d}")
    return f"{day.year}-{day.month}-{day.day}"


def _messy_sheet() -> Sheet:
    people = _People(SEED + 2)
    rng = people.rng
    # columns: 序号 | 姓名 性别 身份证号码 出生年月 | 手机 固定电话 | 所属村（社区） | 家庭住址 |
    #          对象类别 保障金额（元/月） 纳入时间 | (blank) | 备注
    width = 14
    blank = [None] * width
    title = ["桥东街道2024年第四季度低保、特困人员花名册"] + [None] * (width - 1)
    unit = ["填报单位（盖章）：桥东街道社会工作服务站"] + [None] * 8 + ["填报日期：2024年12月20日"] + [None] * 4
    upper: list[Cell] = ["序号", "基本信息", None, None, None, "联系方式", None, "所属村（社区）", "家庭住址",
                         "保障情况", None, None, None, "备注"]
    lower: list[Cell] = [None, "姓名", "性别", "身份证号码", "出生年月", "手机", "固定电话", None, None,
                         "对象类别", "保障金额（元/月）", "纳入时间", None, None]
    rows: list[list[Cell]] = []
    total = 0
    for number, (group, age, amount, how) in enumerate(MESSY_PLAN, 1):
        index, village = VILLAGE_SPELLINGS[rng.randrange(len(VILLAGE_SPELLINGS))]
        p = people.person(age, village=index)
        landline = f"0752-{rng.randint(2100000, 2899999)}" if rng.random() < 0.3 else None
        since = _day(rng, date(2015, 1, 1), date(2024, 9, 30))
        money: Cell = f"{amount:,.2f}" if amount >= 1000 else amount
        note = "分散供养" if group == "特困人员" else ("" if rng.random() < 0.7 else "重病")
        rows.append([number, p.name, p.sex, p.id_number, _date_text(p.birth, how), p.phone, landline, village,
                     p.address, group, money, f"{since.year}.{since.month}.{since.day}", None, note or None])
        total += amount
        if number == 9:
            rows.append(list(blank))  # a blank row inside the table
    count = len(MESSY_PLAN)
    sum_row: list[Cell] = ["合计", f"共{count}人"] + [None] * 8 + [None, f"{total:,.2f}", None, None, None]
    notes = [["填表人：王晓梅　　审核人：李志强　　联系电话：0752-2808727"] + [None] * (width - 1),
             ["注：1.对象类别填“低保对象”或“特困人员”；2.保障金额按2024年12月标准；3.本表一式两份。"] + [None] * (width - 1)]
    grid = [title, unit, upper, lower, *rows, sum_row, list(blank), *notes]
    last = len(grid) - 1
    merged = ((0, 0, 0, width - 1), (1, 0, 1, 8), (1, 9, 1, 13),
              (2, 0, 3, 0), (2, 1, 2, 4), (2, 5, 2, 6), (2, 7, 3, 7), (2, 8, 3, 8), (2, 9, 2, 11), (2, 13, 3, 13),
              (last - 1, 0, last - 1, width - 1), (last, 0, last, width - 1))
    return Sheet("低保特困", grid, merged=merged, widths=(6, 10, 6, 21, 14, 14, 14, 16, 26, 10, 12, 10, 3, 12),
                 header_rows=(2, 3))


def residents_messy() -> Example:
    return Example("residents_messy.xlsx", "residents", "xlsx", _messy_sheet(), len(MESSY_PLAN),
                   "一份“乱”的低保、特困花名册：标题行、填报单位行、合并单元格的两行表头（基本信息/联系方式/保障情况）、"
                   "表中一行空行、一列空列、合计行、表下的填表人和注释；出生日期写法各不相同，村(居)写的是简称。",
                   header_row=3)


def residents_messy_csv() -> Example:
    return Example("residents_messy_gb18030.csv", "residents", "csv", _messy_sheet(), len(MESSY_PLAN),
                   "上一份花名册用 WPS“另存为 CSV”得到的文件（GB18030 编码）：内容与之相同，合并单元格只在第一格有字。",
                   header_row=3, encoding="gb18030")


# -- the .xls: a civil-affairs system export ---------------------------------------------------------------------

def residents_xls() -> Example:
    people = _People(SEED + 3)
    rng = people.rng
    headers = ("序号", "姓名", "公民身份号码", "性别", "出生日期", "所属村委会", "人员类别", "供养方式", "月供养金额",
               "联系电话")
    rows: list[list[Cell]] = [list(headers)]
    for number in range(1, 11):
        p = people.person(rng.randint(60, 92), phone=rng.random() < 0.6)
        official = VILLAGES[rng.randrange(len(VILLAGES))][0]
        rows.append([number, p.name, p.id_number, p.sex, p.birth, official, "特困人员",
                     "集中供养" if rng.random() < 0.2 else "分散供养", 1352.0, p.phone or None])
    sheet = Sheet("Sheet1", rows, widths=(6, 10, 21, 6, 12, 20, 10, 10, 12, 14), header_rows=(0,))
    return Example("residents_tekun.xls", "residents", "xls", sheet, 10,
                   "民政系统导出的特困人员名册（Excel 97–2003 .xls）：没有标题行，第一行就是表头；村(居)用全称，"
                   "“供养方式”一列本程序不取。")


# -- households ------------------------------------------------------------------------------------------------

HOUSEHOLD_HEADERS = ("户编号", "户主姓名", "姓名", "与户主关系", "身份证号", "性别", "出生日期", "联系电话", "村(居)",
                     "家庭住址", "住房类型", "住房状况", "备注")
HOUSEHOLD_PLAN = (  # (housing, condition, members as (relation, age))
    ("自有住房", "较差", (("户主", 68), ("配偶", 65), ("孙子女", 10))),
    ("租住", "一般", (("户主", 42), ("子女", 15), ("子女", 12), ("父母", 70))),
    ("自有住房", "危房", (("户主", 79),)),
    ("公租房/廉租房", "良好", (("户主", 51), ("配偶", 49), ("子女", 22))),
    ("借住亲友", "一般", (("户主", 36), ("子女", 8))),
    ("自有住房", "一般", (("户主", 58), ("配偶", 57), ("子女", 30), ("儿媳/女婿", 29), ("孙子女", 4))),
)


def households() -> Example:
    people = _People(SEED + 4)
    rows: list[list[Cell]] = []
    members = 0
    for number, (housing, condition, plan) in enumerate(HOUSEHOLD_PLAN, 1):
        head = people.person(plan[0][1])
        for relation, age in plan:
            if relation == "户主":
                p = head
            else:
                sex = "女" if relation == "配偶" and head.sex == "男" else ("男" if relation == "配偶" else None)
                p = people.person(age, sex=sex, phone=age >= 18)
            members += 1
            rows.append([f"QD{number:03d}", head.name, p.name, relation, p.id_number, p.sex, p.birth, p.phone or None,
                         head.village, head.address, housing if relation == "户主" else None,
                         condition if relation == "户主" else None, "低保户" if number in (1, 3) and p is head else None])
    width = len(HOUSEHOLD_HEADERS)
    grid: list[list[Cell]] = [["桥东街道困难家庭成员登记表"] + [None] * (width - 1), list(HOUSEHOLD_HEADERS), *rows,
                              [f"合计：{len(HOUSEHOLD_PLAN)}户{members}人"] + [None] * (width - 1)]
    sheet = Sheet("家庭成员", grid, merged=((0, 0, 0, width - 1), (len(grid) - 1, 0, len(grid) - 1, 3)),
                  widths=(8, 10, 10, 10, 21, 6, 12, 14, 12, 26, 12, 10, 10), header_rows=(1,))
    return Example("households.xlsx", "households", "xlsx", sheet, members,
                   "困难家庭成员登记表：一行一位家庭成员，按“户编号”成户，“与户主关系”为户主的是户主行；"
                   "住房类型、住房状况写在户主行。", header_row=2, extra={"households": len(HOUSEHOLD_PLAN)})


# -- staff and contracts -----------------------------------------------------------------------------------------

STAFF_HEADERS = ("序号", "姓名", "性别", "身份证号", "出生日期", "联系电话", "学历", "所学专业", "职业资格", "证书编号",
                 "取证日期", "岗位", "人员来源", "入职日期", "从事社会工作起始日期", "负责村(居)", "在岗状态", "备注")
STAFF_PLAN = (  # (age, education, major, certificate, role, source, hired, villages)
    (38, "本科", "社会工作", "社会工作师", "副站长", "整合", date(2021, 7, 1), ""),
    (31, "本科", "社会工作", "助理社会工作师", "事务性岗位社工", "新招聘", date(2021, 9, 1), "东湖社区、新建社区"),
    (29, "大专", "行政管理", "助理社会工作师", "事务性岗位社工", "新招聘", date(2022, 3, 1), "菜园墩社区"),
    (45, "大专", "会计", "无", "残疾人专职委员", "整合", date(2021, 7, 1), ""),
    (27, "本科", "社会学", "助理社会工作师", "服务性岗位社工", "新招聘", date(2022, 8, 15), "水东东社区"),
    (33, "硕士研究生", "社会工作", "社会工作师", "服务性岗位社工", "新招聘", date(2023, 2, 1), "东平村、文头岭村"),
    (26, "本科", "心理学", "无", "服务性岗位社工", "新招聘", date(2024, 4, 1), "桃子园社区"),
    (41, "高中/中专及以下", "", "无", "服务性岗位社工", "整合", date(2021, 7, 1), "荷乡社区"),
)


def _staff_people() -> list[_Person]:
    people = _People(SEED + 5)
    return [people.person(plan[0]) for plan in STAFF_PLAN]


def staff() -> Example:
    rng = random.Random(SEED + 6)
    rows: list[list[Cell]] = []
    for number, (p, plan) in enumerate(zip(_staff_people(), STAFF_PLAN, strict=True), 1):
        _age, education, major, certificate, role, source, hired, villages = plan
        cert_no = f"{rng.choice(('B', 'C'))}{2000 + rng.randint(19, 23)}{rng.randrange(10**8):08d}" if certificate != "无" else None
        cert_day = _day(rng, date(2019, 6, 1), hired) if certificate != "无" else None
        career = hired if source == "新招聘" else _day(rng, date(2015, 1, 1), date(2020, 12, 31))
        rows.append([number, p.name, p.sex, p.id_number, p.birth, p.phone, education, major or None, certificate,
                     cert_no, cert_day, role, source, hired, career, villages or None, "在岗", None])
    width = len(STAFF_HEADERS)
    grid: list[list[Cell]] = [["桥东街道社会工作服务站工作人员花名册"] + [None] * (width - 1), list(STAFF_HEADERS), *rows,
                              [None] * width, ["填表人：李副站长　　填表日期：2024年12月20日"] + [None] * (width - 1)]
    sheet = Sheet("花名册", grid, merged=((0, 0, 0, width - 1),),
                  widths=(6, 10, 6, 21, 12, 14, 14, 12, 16, 18, 12, 16, 10, 12, 14, 22, 10, 10), header_rows=(1,))
    return Example("staff.xlsx", "staff", "xlsx", sheet, len(rows),
                   "社工站工作人员花名册：标题行、表头、表下的填表人行；负责村(居)可写几个（用“、”分隔）。", header_row=2)


def contracts() -> Example:
    rng = random.Random(SEED + 7)
    headers = ("序号", "姓名", "身份证号", "合同编号", "用人单位", "签订日期", "合同起始日期", "合同终止日期",
               "试用期（月）", "备注")
    rows: list[list[Cell]] = []
    employer = "惠州市惠城区人民政府桥东街道办事处"
    number = 0
    for p, plan in zip(_staff_people(), STAFF_PLAN, strict=True):
        hired: date = plan[6]
        start = hired
        terms = []
        while True:
            end = date(start.year + 3, start.month, start.day) - timedelta(days=1)
            terms.append((start, end))
            if end >= AS_OF:
                break
            start = end + timedelta(days=1)
        for k, (start, end) in enumerate(terms):
            number += 1
            signed = start - timedelta(days=rng.randint(1, 10))
            rows.append([number, p.name, p.id_number, f"QDSG-{start.year}-{number:03d}", employer, signed, start, end,
                         (2 if start == hired and start.year >= 2022 else 0), "续签" if k else None])
    width = len(headers)
    grid: list[list[Cell]] = [["桥东街道社会工作服务站劳动合同台账"] + [None] * (width - 1), list(headers), *rows]
    sheet = Sheet("合同台账", grid, merged=((0, 0, 0, width - 1),), widths=(6, 10, 21, 16, 34, 12, 14, 14, 12, 8),
                  header_rows=(1,))
    return Example("contracts.xlsx", "contracts", "xlsx", sheet, len(rows),
                   "劳动合同台账：工作人员按身份证号（没有时按姓名）对上花名册，请先导入 staff.xlsx；"
                   "到期续签的另起一行。", header_row=2)


# -- assets ------------------------------------------------------------------------------------------------------

ASSET_HEADERS = ("资产编号", "资产名称", "资产类别", "规格型号", "数量", "计量单位", "购置日期", "原值（元）", "经费来源",
                 "存放地点", "保管人", "使用状态", "备注")
ASSET_PLAN = (  # (code, name, category, model, quantity, unit, purchased, value, funding, status, note)
    ("BP-2021-001", "社工站牌匾", "标识标牌", "铜牌 60×40cm", 1, "块", date(2021, 6, 20), 800, "省级专项资金", "在用", ""),
    ("BP-2021-002", "社会工作与志愿服务协会牌匾", "标识标牌", "铜牌 60×40cm", 1, "块", date(2021, 6, 20), 800,
     "省级专项资金", "在用", ""),
    ("SB-2021-001", "台式电脑", "设备", "联想 启天M430", 3, "台", date(2021, 7, 10), 14700, "省级专项资金", "在用", ""),
    ("SB-2021-002", "激光打印机", "设备", "惠普 M233sdw", 1, "台", date(2021, 7, 10), 2299, "省级专项资金", "在用", ""),
    ("SB-2022-001", "笔记本电脑", "设备", "华为 MateBook D14", 1, "台", date(2022, 5, 6), 4599, "街道配套资金", "在用",
     "外出走访使用"),
    ("SB-2022-002", "投影仪", "设备", "爱普生 CB-X06", 1, "台", date(2022, 9, 1), 3299, "街道配套资金", "闲置", ""),
    ("SB-2023-001", "血压计", "设备", "欧姆龙 U10", 2, "个", date(2023, 3, 15), 598, "社会捐赠", "在用", "长者服务"),
    ("JJ-2021-001", "办公桌", "家具", "1.4米 钢木", 6, "张", date(2021, 7, 1), 4800, "省级专项资金", "在用", ""),
    ("JJ-2021-002", "办公椅", "家具", "网布转椅", 10, "把", date(2021, 7, 1), 2600, "省级专项资金", "在用", ""),
    ("JJ-2021-003", "档案柜", "家具", "钢制五节柜", 4, "组", date(2021, 7, 1), 3200, "省级专项资金", "在用", ""),
    ("JJ-2022-001", "会议桌", "家具", "2.4米", 1, "张", date(2022, 1, 10), 1800, "街道配套资金", "在用", ""),
    ("TS-2022-001", "社会工作专业书籍", "图书资料", "", 45, "册", date(2022, 4, 20), 2250, "省级专项资金", "在用", ""),
    ("QT-2023-001", "应急物资箱", "其他", "含急救包、手电筒", 2, "套", date(2023, 6, 1), 760, "社会捐赠", "在用", ""),
    ("SB-2024-001", "移动硬盘", "设备", "2TB", 1, "个", date(2024, 5, 20), 499, "街道配套资金", "在用", "档案备份"),
)


def assets() -> Example:
    keepers = [p.name for p in _staff_people()]
    rows: list[list[Cell]] = []
    for code, name, category, model, quantity, unit, purchased, value, funding, status, note in ASSET_PLAN:
        keeper = keepers[1] if category in ("设备", "图书资料") else keepers[2]
        rows.append([code, name, category, model or None, quantity, unit, purchased, value, funding, "社工站", keeper,
                     status, note or None])
    width = len(ASSET_HEADERS)
    total: list[Cell] = ["合计"] + [None] * (width - 1)
    total[4] = sum(plan[4] for plan in ASSET_PLAN)
    total[7] = sum(plan[7] for plan in ASSET_PLAN)
    grid: list[list[Cell]] = [["桥东街道社会工作服务站固定资产登记表"] + [None] * (width - 1),
                              ["单位：元"] + [None] * (width - 1), list(ASSET_HEADERS), *rows, total]
    sheet = Sheet("资产登记", grid, merged=((0, 0, 0, width - 1),),
                  widths=(13, 24, 10, 18, 6, 8, 12, 12, 14, 10, 10, 10, 14), header_rows=(2,))
    return Example("assets.xlsx", "assets", "xlsx", sheet, len(rows),
                   "固定资产登记表：标题行、“单位：元”行、表头、合计行（数量、原值）；存放地点“社工站”即站本部。",
                   header_row=3)


def assets_ods() -> Example:
    keepers = [p.name for p in _staff_people()]
    plan = (("SB-2023-101", "台式电脑", "设备", "联想 启天M437", 1, "台", date(2023, 4, 12), 4299, "在用"),
            ("SB-2023-102", "彩色喷墨打印机", "设备", "爱普生 L4268", 1, "台", date(2023, 4, 12), 1299, "在用"),
            ("BP-2023-101", "社工点标牌", "标识标牌", "亚克力 40×30cm", 2, "块", date(2023, 3, 1), 600, "在用"),
            ("JJ-2023-101", "折叠桌", "家具", "1.2米", 4, "张", date(2023, 3, 20), 1120, "在用"),
            ("JJ-2023-102", "塑料凳", "家具", "", 30, "张", date(2023, 3, 20), 450, "在用"),
            ("TS-2023-101", "儿童绘本", "图书资料", "", 120, "册", date(2023, 5, 30), 1800, "在用"))
    headers = ("资产编号", "名称", "类别", "规格型号", "数量", "单位", "购置日期", "原值", "保管人", "状态")
    rows: list[list[Cell]] = [[code, name, category, model or None, qty, unit, day, value, keepers[4], status]
                              for code, name, category, model, qty, unit, day, value, status in plan]
    total: list[Cell] = ["合计", None, None, None, sum(p[4] for p in plan), None, None, sum(p[7] for p in plan),
                         None, None]
    grid: list[list[Cell]] = [["社工点物资清单（水东东社区）"] + [None] * 9, list(headers), *rows, total]
    sheet = Sheet("物资清单", grid, merged=((0, 0, 0, 9),), widths=(13, 16, 10, 16, 6, 6, 12, 10, 10, 8),
                  header_rows=(1,))
    return Example("assets_point.ods", "assets", "ods", sheet, len(rows),
                   "社工点用 WPS/LibreOffice 做的物资清单（OpenDocument .ods）：标题行、表头、合计行；没有存放地点列。",
                   header_row=2)


# -- archives ----------------------------------------------------------------------------------------------------

ARCHIVE_HEADERS = ("档号", "类别", "年度", "保管期限", "件号", "题名", "文号", "责任者", "成文日期", "归档日期", "密级",
                   "柜号", "盒号", "页数", "备注")
ARCHIVE_PLAN = (  # (category, prefix, year, retention, segment, title, ref, responsible, pages, secrecy)
    ("文书", "WS", 2023, "30年", "D30", "关于成立桥东街道社会工作服务站的通知", "桥街〔2021〕35号", "桥东街道办事处", 3, "公开"),
    ("文书", "WS", 2023, "10年", "D10", "2023年度社工站工作计划", "", "桥东街道社会工作服务站", 6, "内部"),
    ("文书", "WS", 2023, "10年", "D10", "2023年度社工站工作总结", "", "桥东街道社会工作服务站", 12, "内部"),
    ("人事", "RS", 2023, "永久", "Y", "工作人员劳动合同（2023年续签）", "", "桥东街道办事处", 18, "内部"),
    ("人事", "RS", 2023, "30年", "D30", "2023年度工作人员考核登记表", "", "桥东街道社会工作服务站", 16, "内部"),
    ("财务", "CW", 2023, "30年", "D30", "2023年度专项资金使用明细", "", "桥东街道财政所", 22, "内部"),
    ("物资", "WZ", 2023, "10年", "D10", "2023年度资产盘点表", "", "桥东街道社会工作服务站", 4, "内部"),
    ("业务", "YW", 2023, "10年", "D10", "2023年困难群众走访台账", "", "桥东街道社会工作服务站", 86, "秘密"),
    ("业务", "YW", 2023, "30年", "D30", "2023年个案服务档案（结案）", "", "桥东街道社会工作服务站", 140, "秘密"),
    ("安全", "AQ", 2023, "10年", "D10", "2023年安全检查记录", "", "桥东街道社会工作服务站", 9, "内部"),
    ("文书", "WS", 2024, "30年", "D30", "关于调整社工站负责人的通知", "桥街〔2024〕12号", "桥东街道办事处", 2, "公开"),
    ("文书", "WS", 2024, "10年", "D10", "2024年度社工站工作计划", "", "桥东街道社会工作服务站", 7, "内部"),
    ("业务", "YW", 2024, "10年", "D10", "2024年上半年困难群众走访台账", "", "桥东街道社会工作服务站", 64, "秘密"),
    ("业务", "YW", 2024, "10年", "D10", "2024年“情暖桥东”小组活动记录", "", "桥东街道社会工作服务站", 25, "公开"),
    ("财务", "CW", 2024, "30年", "D30", "2024年上半年专项资金使用明细", "", "桥东街道财政所", 15, "内部"),
    ("人事", "RS", 2024, "永久", "Y", "2024年新入职人员档案", "", "桥东街道办事处", 11, "内部"),
)


def archives() -> Example:
    rng = random.Random(SEED + 8)
    rows: list[list[Cell]] = []
    numbers: dict[tuple[str, int, str], int] = {}
    for category, prefix, year, retention, segment, title, ref, responsible, pages, secrecy in ARCHIVE_PLAN:
        item = numbers.get((prefix, year, segment), 0) + 1
        numbers[(prefix, year, segment)] = item
        written = _day(rng, date(year, 1, 5), date(year, 11, 30))
        filed = min(written + timedelta(days=rng.randint(10, 60)), AS_OF)
        box = f"{year}-{prefix}-{(item - 1) // 10 + 1:02d}"
        rows.append([f"{prefix}-{year}-{segment}-{item:04d}", category, year, retention, item, title, ref or None,
                     responsible, written, filed, secrecy, "A1" if year == 2023 else "A2", box, pages, None])
    width = len(ARCHIVE_HEADERS)
    grid: list[list[Cell]] = [["桥东街道社会工作服务站档案目录（2023—2024年度）"] + [None] * (width - 1),
                              list(ARCHIVE_HEADERS), *rows]
    sheet = Sheet("档案目录", grid, merged=((0, 0, 0, width - 1),),
                  widths=(18, 6, 6, 8, 6, 40, 16, 22, 12, 12, 6, 6, 12, 6, 8), header_rows=(1,))
    return Example("archives.xlsx", "archives", "xlsx", sheet, len(rows),
                   "档案目录：档号为“类别-年度-保管期限-件号”（如 WS-2023-D30-0001），另有题名、文号、责任者、"
                   "日期、密级、柜号、盒号、页数。", header_row=2)


def examples() -> list[Example]:
    """Every example, in the order README.md lists them."""
    return [residents(), residents_messy(), residents_messy_csv(), residents_xls(), households(), staff(),
            contracts(), assets(), assets_ods(), archives()]


# -- writing -----------------------------------------------------------------------------------------------------

def _workbook(sheet: Sheet):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ..exports.xlsx import BORDER, FONT_NAME, set_value
    wb = Workbook()
    ws = wb.active
    ws.title = sheet.name
    plain, bold, big = Font(name=FONT_NAME), Font(name=FONT_NAME, bold=True), Font(name=FONT_NAME, bold=True, size=14)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(sheet.rows):
        for c, value in enumerate(values):
            if value is None and r not in sheet.header_rows:
                continue
            cell = set_value(ws.cell(r + 1, c + 1), value)
            if r in sheet.header_rows:
                cell.font, cell.border, cell.alignment = bold, BORDER, centred
            elif r == 0:
                cell.font = big
            else:
                cell.font = plain
    for r0, c0, r1, c1 in sheet.merged:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    for c, width in enumerate(sheet.widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    fixed = datetime(*ZIP_TIME)
    wb.properties.creator = "桥东街道社会工作服务站"
    wb.properties.created = fixed
    return wb


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The workbook of ``sheet`` as bytes that do not depend on when it was written."""
    import re
    buffer = io.BytesIO()
    _workbook(sheet).save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                              rb"<dcterms:modified\1>2024-12-20T09:00:00Z</dcterms:modified>", data)
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def cell_text(value: Cell) -> str:
    """A cell as a spreadsheet program shows it (what “save as CSV” writes)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_bytes(sheet: Sheet, encoding: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for values in sheet.rows:
        writer.writerow([cell_text(v) for v in values])
    return text.getvalue().encode(encoding)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(sheet: Sheet, target: Path, program: str) -> None:
    """LibreOffice turns the .xlsx of ``sheet`` into ``target``'s format (xls: "MS Excel 97")."""
    fmt = {".xls": "xls:MS Excel 97", ".ods": "ods"}[target.suffix]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / (target.stem + ".xlsx")
        source.write_bytes(xlsx_bytes(sheet))
        profile = (folder / "profile").as_uri()
        subprocess.run([program, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
                        "--outdir", str(folder / "out"), str(source)], check=True, capture_output=True, timeout=180)
        shutil.copyfile(folder / "out" / target.name, target)


def readme(items: Sequence[Example]) -> str:
    lines = ["# 导入数据的示例文件", "",
             "这些是“设置 → 导入数据”和命令行 `shuanbai-desktop import` 可以直接导入的示例台账，人名、电话、地址都是编造的，",
             "身份证号是按校验规则生成的虚构号码（惠州市惠城区，测试用的社工站是桥东街道）。它们由",
             "`python -m shuanbai_desktop.demo.import_examples resources/import_examples` 生成，请勿手工修改；",
             "测试（tests/db/test_cli_import.py）会逐个导入，并核对这里的文件与生成的一致。", "",
             "| 文件 | 数据类型 | 条数 | 说明 |", "| --- | --- | --- | --- |"]
    from ..services.importing.base import ImportKind
    for item in items:
        lines.append(f"| `{item.file_name}` | {ImportKind(item.kind).label}（{item.kind}） | {item.records} | {item.about} |")
    lines += ["", "命令行示例（先导入人员花名册，再导入劳动合同）：", "", "```",
              "shuanbai-desktop import staff resources/import_examples/staff.xlsx --user admin --dry-run",
              "shuanbai-desktop import staff resources/import_examples/staff.xlsx --user admin",
              "shuanbai-desktop import contracts resources/import_examples/contracts.xlsx --user admin",
              "shuanbai-desktop import residents resources/import_examples/residents_messy_gb18030.csv --user admin "
              "--encoding gb18030", "```", ""]
    return "\n".join(lines)


def write_examples(folder: Path, convert: bool = True) -> list[Path]:
    """Write every example (and README.md) into ``folder``; returns the files written. The .xls/.ods only when
    ``convert`` and LibreOffice is installed."""
    folder.mkdir(parents=True, exist_ok=True)
    program = soffice() if convert else None
    written = []
    items = examples()
    for item in items:
        target = folder / item.file_name
        if item.format == "xlsx":
            target.write_bytes(xlsx_bytes(item.sheet))
        elif item.format == "csv":
            target.write_bytes(csv_bytes(item.sheet, item.encoding))
        elif program is not None:
            _convert(item.sheet, target, program)
        else:
            continue
        written.append(target)
    (folder / "README.md").write_text(readme(items), encoding="utf-8")
    written.append(folder / "README.md")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shuanbai_desktop.demo.import_examples",
                                     description="写出导入数据的示例文件（resources/import_examples）。")
    parser.add_argument("folder", type=Path, help="写到哪个文件夹")
    parser.add_argument("--no-convert", action="store_true", help="不用 LibreOffice 生成 .xls 和 .ods")
    args = parser.parse_args(argv)
    if not args.no_convert and soffice() is None:
        print("未找到 LibreOffice（soffice），.xls 和 .ods 不生成。", file=sys.stderr)
    for path in write_examples(args.folder, convert=not args.no_convert):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
