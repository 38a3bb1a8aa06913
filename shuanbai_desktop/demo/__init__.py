"""Realistic demo data for a station: accounts, service points, residents.

Residents get Chinese names, valid checksummed ID numbers of the station's county,
phones, villages and addresses from the station's own division data. Bulk rows go in
through SQLAlchemy Core in batches (one audit event for the whole run, not one per row).
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from ..data import audit
from ..data.base import now
from ..data.db import Database
from ..data.models import Person, ServicePoint, Village
from ..domain.idcard import make_id_number
from ..domain.labels import FacilityType, PersonStatus, Role
from ..domain.pinyin import name_search_keys
from ..errors import UserError
from ..services import auth, station
from ..services.permissions import as_system

MAX_RESIDENTS = 100_000
BATCH = 5_000
DEMO_PASSWORD = "Demo2024pass"
SURNAMES = ("李陈张黄林刘吴叶何罗杨郑梁谢赖钟曾徐周邓朱冯彭苏蔡卢邱江廖温许潘刘黎何余"
            "方古欧阳胡孙马高郭王谭凌丘巫单覃冼")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅燕凤金海国建志文斌"
         "宇浩然俊杰子轩梓涵欣怡佳琪雨婷嘉豪晓彤思远立新永康德胜锦添秀珍惠玲淑贞瑞祥堃喆玥赟")  # sex unknown
# Given names by sex (issue 14: the demo gave 男 to 林丽娟 and 女 to 黄志明): characters read as a man's or a
# woman's name; 堃喆赟 and 玥 are rare characters the fonts and searches must cope with.
MALE_GIVEN = "伟强磊军洋勇杰涛明超刚国建志斌宇浩俊轩豪远立新永康德胜锦添瑞祥堃喆赟海辉鹏峰波亮龙飞"
FEMALE_GIVEN = "芳娜敏静丽艳娟秀霞桂英玉兰萍红梅燕凤梓涵欣怡佳琪雨婷晓彤思珍惠玲淑贞玥颖慧莉"
DEMO_USERS = (("window1", "陈晓红", Role.WINDOW), ("sg1", "黄志明", Role.SOCIAL_WORKER),
              ("sg2", "林丽娟", Role.SOCIAL_WORKER), ("sg3", "曾嘉豪", Role.SOCIAL_WORKER),
              ("dudao", "刘督导", Role.SUPERVISOR))
FACILITIES = (FacilityType.PARTY_CENTER, FacilityType.HOME_CARE_CENTER, FacilityType.NURSING_HOME,
              FacilityType.SCHOOL)


def given_name(rng: random.Random, sex: str, lengths: tuple[int, ...] = (1, 2, 2, 2)) -> str:
    """A given name of one or two characters that reads as a man's (“男”) or a woman's (“女”)."""
    pool = MALE_GIVEN if sex == "男" else FEMALE_GIVEN
    return "".join(rng.choice(pool) for _ in range(rng.choice(lengths)))


def id_sequence(rng: random.Random, sex: str, low: int = 0, high: int = 999) -> int:
    """The ID number's sequence (its 15th–17th digits) for ``sex``: odd for a man, even for a woman."""
    seq = rng.randint(low, high)
    if (seq % 2 == 1) != (sex == "男"):
        seq = seq + 1 if seq < high else seq - 1
    return seq


def _name(rng: random.Random, sex: str | None = None) -> str:
    """A full name; without ``sex`` the given name is any (the import examples' people, kept as they are)."""
    surname = "欧阳" if rng.random() < 0.01 else rng.choice(SURNAMES)
    if sex is not None:
        return surname + given_name(rng, sex)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def _birth(rng: random.Random, today: date) -> date:
    age_days = int(rng.triangular(0, 95 * 365, 60 * 365))
    return today - timedelta(days=age_days)


def _phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "135", "137", "150", "159", "186", "188", "199")) + f"{rng.randrange(10**8):08d}"


def _persons(rng: random.Random, county: str, villages: list[Village], count: int, today: date):
    used: set[str] = set()
    for _ in range(count):
        birth = _birth(rng, today)
        sex = rng.choice(("男", "女"))
        number = make_id_number(county, birth, id_sequence(rng, sex))
        while number in used:
            number = make_id_number(county, birth, id_sequence(rng, sex))
        used.add(number)
        name = _name(rng, sex)
        full, initials = name_search_keys(name)
        village = rng.choice(villages)
        short = village.name.replace("居民委员会", "").replace("村民委员会", "村").replace("居委会", "")
        yield {"name": name, "name_pinyin": full, "name_initials": initials, "id_number": number,
               "sex": "男" if int(number[16]) % 2 else "女", "birth_date": birth,
               "phone": _phone(rng) if rng.random() < 0.85 else "", "village_code": village.code,
               "address": f"{short}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
               "status": PersonStatus.REGISTERED.value, "no_id_reason": "", "notes": "",
               "created_at": now(), "updated_at": now()}


def _ensure_points_and_users(session) -> None:
    if not session.scalar(select(ServicePoint.id)):
        villages = station.list_villages(session)
        for i in range(0, len(villages), 3):
            group = villages[i:i + 3]
            first = group[0].name.replace("居民委员会", "").replace("村民委员会", "村").replace("居委会", "")
            station.save_service_point(session, station.ServicePointInput(
                f"{first}社工点", FACILITIES[(i // 3) % len(FACILITIES)], f"{first}党群服务中心", "", "",
                tuple(v.code for v in group)))
    existing = {u.username for u in auth.list_users(session)}
    for username, display, role in DEMO_USERS:
        if username not in existing:
            auth.create_user(session, username, display, role, DEMO_PASSWORD, must_change=False)


def _feature_generators():
    """Each feature may ship ``demo/<area>.py`` with ``add_demo(session, rng, today)``; run in name order."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        feature = importlib.import_module(f"{__name__}.{module.name}")
        add_demo = getattr(feature, "add_demo", None)
        if add_demo is not None:
            yield add_demo


def generate_demo(db: Database, residents: int = 1000, seed: int = 20211, today: date | None = None) -> int:
    """Fill the station with demo data; returns the number of residents added."""
    if not 0 <= residents <= MAX_RESIDENTS:
        raise UserError(f"演示居民人数应在 0 到 {MAX_RESIDENTS} 之间。", field="--residents")
    rng, today = random.Random(seed), today or date.today()
    with db.session() as session:
        as_system(session)  # the program's own work, for nobody: guarded services let it through
        info = station.get_station(session)
        if info is None:
            raise UserError("请先设立社工站（init），再生成演示数据。")
        _ensure_points_and_users(session)
        villages = list(session.scalars(select(Village).order_by(Village.code)))
        taken = set(session.scalars(select(Person.id_number).where(Person.id_number.is_not(None))))
        rows = [r for r in _persons(rng, info.county_code, villages, residents, today)
                if r["id_number"] not in taken]
        for start in range(0, len(rows), BATCH):
            session.execute(insert(Person), rows[start:start + BATCH])
        for add_demo in _feature_generators():
            add_demo(session, rng, today)
        audit.record_event(session, "person", "", f"生成演示数据：{len(rows)} 位居民")
    return len(rows)
