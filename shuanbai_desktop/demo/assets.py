"""Demo assets and archives: the station's equipment, signage and furniture at the station and its
points (one point without a printer, one without its plate), a closed stock-take, a few years of
archive files with loans (one overdue) and two old files past their retention period.

Everything goes in through the services, so the demo obeys the same rules as real entries; the
session acts as the system (services/permissions.as_system).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..data.models import Person, ServicePoint, User
from ..data.models.archives import ArchiveFile
from ..data.models.assets import Asset
from ..domain.archive_rules import ArchiveCategory as Cat
from ..domain.archive_rules import Confidentiality, OwnerKind
from ..domain.archive_rules import Retention as Ret
from ..domain.asset_rules import AssetCategory, CountResult, EventKind, RequiredItem
from ..services.archives import catalogue, lending
from ..services.archives.catalogue import ArchiveInput, OwnerLink
from ..services.assets import events, register, stocktake
from ..services.assets.events import EventInput
from ..services.assets.register import AssetInput
from ..services.permissions import as_system

EQ, FU, SG, BK, OT = (AssetCategory.EQUIPMENT, AssetCategory.FURNITURE, AssetCategory.SIGNAGE,
                      AssetCategory.BOOKS, AssetCategory.OTHER)
# name, category, model, quantity, value, funding, required item, months after the station opened
STATION_ASSETS = (
    ("社工站牌匾", SG, "不锈钢烤漆 60×40厘米", 1, "0", "上级配发", RequiredItem.PLAQUE_STATION, 0),
    ("社会工作与志愿服务协会牌匾", SG, "不锈钢烤漆 60×40厘米", 1, "0", "上级配发", RequiredItem.PLAQUE_ASSOCIATION, 0),
    ("社会组织联合会牌匾", SG, "不锈钢烤漆 60×40厘米", 1, "0", "上级配发", RequiredItem.PLAQUE_FEDERATION, 0),
    ("台式电脑", EQ, "联想 启天M437", 1, "4299", "双百工程专项经费", RequiredItem.COMPUTER, 1),
    ("台式电脑", EQ, "联想 启天M437", 1, "4299", "双百工程专项经费", RequiredItem.COMPUTER, 1),
    ("台式电脑", EQ, "联想 启天M437", 1, "4299", "双百工程专项经费", RequiredItem.COMPUTER, 1),
    ("笔记本电脑", EQ, "联想 ThinkPad E14", 1, "4599", "双百工程专项经费", RequiredItem.COMPUTER, 2),
    ("笔记本电脑", EQ, "联想 ThinkPad E14", 1, "4599", "双百工程专项经费", RequiredItem.COMPUTER, 2),
    ("黑白激光多功能一体机", EQ, "兄弟 DCP-7195DW", 1, "1599", "双百工程专项经费", RequiredItem.PRINTER, 1),
    ("投影仪", EQ, "爱普生 CB-X06", 1, "3299", "财政拨款", None, 6),
    ("数码相机", EQ, "佳能 EOS M50", 1, "3999", "财政拨款", None, 6),
    ("数码录音笔", EQ, "索尼 ICD-UX570F", 1, "699", "财政拨款", None, 6),
    ("身份证阅读器", EQ, "华视 CVR-100UC", 1, "480", "财政拨款", None, 1),
    ("高拍仪", EQ, "良田 S1000A3AF", 1, "599", "财政拨款", None, 1),
    ("碎纸机", EQ, "得力 9903", 1, "399", "财政拨款", None, 3),
    ("钢制档案柜", FU, "1850×900×400 毫米 五节", 5, "4250", "财政拨款", None, 1),
    ("办公桌", FU, "1400×700 毫米", 6, "3480", "财政拨款", None, 0),
    ("办公椅", FU, "网布转椅", 10, "2400", "财政拨款", None, 0),
    ("会议桌", FU, "2400×1200 毫米", 1, "1680", "财政拨款", None, 0),
    ("社会工作专业图书", BK, "社会工作实务、个案与小组工作等", 120, "3600", "社会捐赠", None, 8),
    ("饮水机", OT, "美的 立式温热型", 1, "459", "自筹", None, 2),
)
POINT_ASSETS = (("社工点标牌", SG, "铝合金 40×30厘米", "0", "上级配发", RequiredItem.PLAQUE_POINT),
                ("台式电脑", EQ, "联想 启天M437", "4299", "双百工程专项经费", RequiredItem.COMPUTER),
                ("喷墨打印机", EQ, "惠普 DeskJet 2729", "549", "双百工程专项经费", RequiredItem.PRINTER))
OPENED = date(2021, 6, 28)


def _on(day: date, today: date) -> date:
    return min(day, today)


def _month(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    return date(start.year + year, month + 1, min(start.day, 28))


def _names(session: Session) -> list[str]:
    names = list(session.scalars(select(User.display_name).where(User.disabled.is_(False)).order_by(User.id)))
    return names or ["副站长"]


def _station_assets(session: Session, today: date, keeper: str) -> dict[str, list[int]]:
    made: dict[str, list[int]] = {}
    for name, cat, model, qty, value, funding, item, months in STATION_ASSETS:
        asset_id = register.save_asset(session, AssetInput(
            name, cat, _on(_month(OPENED, months), today), value, model_spec=model, quantity=qty, funding_source=funding,
            required_item=item, custodian_name=keeper), today=today)
        made.setdefault(name, []).append(asset_id)
    return made


def _point_assets(session: Session, today: date, points: list[ServicePoint], rng: random.Random) -> dict:
    made = {}
    for index, point in enumerate(points):
        for name, cat, model, value, funding, item in POINT_ASSETS:
            if index == 2 and item is RequiredItem.PLAQUE_POINT:
                continue  # this point's plate has not been hung yet: shows on 工作台
            day = _on(_month(OPENED, 2 + rng.randrange(4)), today)
            made[(index, item)] = register.save_asset(session, AssetInput(
                name, cat, day, value, model_spec=model, funding_source=funding, required_item=item, point_id=point.id,
                custodian_name=point.liaison_name), today=today)
    return made


def _events(session: Session, today: date, station: dict, points: dict, people: list[str]) -> None:
    def do(asset_id, kind, day, **kw):
        events.record_event(session, asset_id, EventInput(kind, _on(day, today), **kw), today=today)

    holder = people[1 % len(people)]
    do(station["笔记本电脑"][0], EventKind.ISSUE, today - timedelta(days=40), person_name=holder, reason="入户走访使用")
    laptop = station["笔记本电脑"][1]
    do(laptop, EventKind.ISSUE, _month(OPENED, 3), person_name=people[-1], reason="社工点驻点使用")
    do(laptop, EventKind.RETURN, _month(OPENED, 9))
    if (1, RequiredItem.PRINTER) in points:
        do(points[(1, RequiredItem.PRINTER)], EventKind.REPAIR, today - timedelta(days=12), reason="进纸故障，送售后维修")
    do(station["投影仪"][0], EventKind.REPAIR, _month(OPENED, 20), reason="灯泡不亮")
    do(station["投影仪"][0], EventKind.REPAIRED, _month(OPENED, 21), cost="260")


def _stocktake(session: Session, today: date, station: dict, keeper: str) -> None:
    """Last December's count: the voice recorder was not found and was written off after approval."""
    year = today.year - 1
    if year < 2022:
        return
    take = stocktake.start_stocktake(session, f"{year}年度资产盘点", f"{keeper}、窗口社工", date(year, 12, 20),
                                     today=today)
    lines = stocktake.lines(session, take)
    missing = [line.id for line in lines if line.asset_id == station["数码录音笔"][0]]
    stocktake.mark_lines(session, take, missing, CountResult.MISSING, note="多方查找未见")
    stocktake.mark_lines(session, take, [line.id for line in lines if line.id not in missing], CountResult.FOUND)
    stocktake.close_stocktake(session, take, date(year, 12, 27), today=today)
    events.record_event(session, station["数码录音笔"][0], EventInput(
        EventKind.DISPOSE, _on(date(year + 1, 1, 15), today), approver="镇分管领导", approval_ref=f"社工站〔{year + 1}〕1号",
        reason="年度盘点未找到，经审批核销"), today=today)


def add_demo(session: Session, rng: random.Random, today: date) -> None:
    if session.scalar(select(func.count(Asset.id))) or today < OPENED + timedelta(days=400):
        return
    as_system(session)  # the program acts here, for nobody: disposal and stock-taking are then allowed
    people = _names(session)
    points = list(session.scalars(select(ServicePoint).where(ServicePoint.active.is_(True)).order_by(ServicePoint.id)))
    station = _station_assets(session, today, people[0])
    point_made = _point_assets(session, today, points, rng)
    _events(session, today, station, point_made, people)
    _stocktake(session, today, station, people[0])
    _archives(session, rng, today, people)


# --- archives ----------------------------------------------------------------------------------

def _box(session: Session, cabinet: str, year: int, cat: Cat, ret: Ret) -> str:
    """Boxes are numbered within their cabinet; one box holds one category, year and retention."""
    boxes = session.info.setdefault("demo_archive_boxes", {})
    key = (cabinet, year, cat, ret)
    if key not in boxes:
        boxes[key] = str(1 + sum(1 for k in boxes if k[0] == cabinet))
    return boxes[key]


def _file(session: Session, today: date, title: str, cat: Cat, year: int, ret: Ret, day: date, cabinet: str,
          pages: int, filed: date | None = None, **kw) -> int:
    day = min(day, today)
    filed = min(filed or day + timedelta(days=20), today)
    return catalogue.save_file(session, ArchiveInput(title, cat, year, ret, pages, doc_date=day, filed_on=filed,
                                                     cabinet=cabinet, box=_box(session, cabinet, year, cat, ret), **kw),
                               today=today)


def _year_files(session: Session, rng: random.Random, today: date, year: int, persons: list[Person]) -> list[int]:
    last_month = 12 if year < today.year else today.month - 1
    first_month = OPENED.month + 1 if year == OPENED.year else 1
    made = []
    for quarter in range(1, 5):
        if first_month <= quarter * 3 <= last_month:
            made.append(_file(session, today, f"{year}年第{quarter}季度经费报销凭证", Cat.FINANCE, year, Ret.Y30,
                              date(year, quarter * 3, 25), "2", rng.randint(40, 90), responsible="社工站"))
    for month in range(first_month, last_month + 1):
        made.append(_file(session, today, f"{year}年{month}月入户走访记录", Cat.SERVICE, year, Ret.Y10,
                          date(year, month, 28), "3", rng.randint(20, 60), responsible="社工站"))
    for person in rng.sample(persons, min(len(persons), 3)) if last_month >= 6 else []:
        made.append(_file(session, today, f"{person.name}个案服务档案", Cat.SERVICE, year, Ret.Y10,
                          date(year, rng.randint(3, 6), rng.randint(1, 28)), "3", rng.randint(8, 30),
                          owner=OwnerLink(OwnerKind.PERSON, person.id)))
    if last_month == 12:
        made += [
            _file(session, today, f"{year}年度工作总结", Cat.DOCUMENTS, year, Ret.PERMANENT, date(year, 12, 20), "4",
                  rng.randint(10, 20), responsible="社工站"),
            _file(session, today, f"{year}年度社工考核材料", Cat.PERSONNEL, year, Ret.Y30, date(year, 10, 25), "1",
                  rng.randint(30, 50), confidentiality=Confidentiality.SECRET),
            _file(session, today, f"{year}年度资产台账及盘点报告", Cat.MATERIALS, year, Ret.Y10, date(year, 12, 28),
                  "4", rng.randint(6, 12)),
            _file(session, today, f"{year}年消防安全检查记录", Cat.SAFETY, year, Ret.Y10, date(year, 11, 9), "4",
                  rng.randint(5, 15))]
    return made


def _archives(session: Session, rng: random.Random, today: date, people: list[str]) -> None:
    for name in people:
        _file(session, today, f"{name}人事档案（劳动合同、学历及职业资格证书复印件）", Cat.PERSONNEL, 2021, Ret.Y30,
              date(2021, 7, 1), "1", rng.randint(15, 30), owner=OwnerLink(OwnerKind.STAFF, None, name))
    old = [_file(session, today, f"{y}年社区综合服务中心服务台账", Cat.SERVICE, y, Ret.Y10, date(y, 12, 30), "5",
                 rng.randint(40, 80), filed=OPENED + timedelta(days=10), responsible="原社区综合服务中心",
                 notes="社工站成立时移交") for y in (2013, 2014)]
    persons = list(session.scalars(select(Person).order_by(Person.id).limit(200)))
    made = [f for year in range(2021, today.year + 1) for f in _year_files(session, rng, today, year, persons)]
    _loans(session, rng, today, [f for f in made if f not in old], people)


def _filed_before(session: Session, files: list[int], day: date) -> list[int]:
    query = select(ArchiveFile.id).where(ArchiveFile.id.in_(files), ArchiveFile.filed_on <= day)
    return sorted(session.scalars(query))


def _loans(session: Session, rng: random.Random, today: date, files: list[int], people: list[str]) -> None:
    start = today - timedelta(days=300)
    picks = rng.sample(_filed_before(session, files, start), 8)
    for i, file_id in enumerate(picks[:6]):
        lent = start + timedelta(days=i * 40)
        loan = lending.lend(session, file_id, lending.LoanInput(
            rng.choice(people), rng.choice(("核对走访情况", "准备年度考核", "县民政局检查调阅", "撰写案例")), lent,
            lent + timedelta(days=14), approver="李站长"), today=today)
        lending.return_loan(session, loan, lent + timedelta(days=rng.randint(3, 13)), "完好", today=today)
    if len(picks) == 8:
        lending.lend(session, picks[6], lending.LoanInput(
            people[-1], "撰写个案督导材料", today - timedelta(days=19), today - timedelta(days=5), approver="李站长"),
            today=today)
        lending.lend(session, picks[7], lending.LoanInput(
            "县民政局 王科长", "双百工程年度检查调阅", today - timedelta(days=3), today + timedelta(days=11),
            borrower_unit="县民政局", approver="李站长"), today=today)
