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
         "宇浩然俊杰子轩梓涵欣怡佳琪雨婷嘉豪晓彤思远立新永康德胜锦添秀珍惠玲淑贞瑞祥堃喆玥赟")
DEMO_USERS = (("window1", "陈晓红", Role.WINDOW), ("sg1", "黄志明", Role.SOCIAL_WORKER),
              ("sg2", "林丽娟", Role.SOCIAL_WORKER), ("sg3", "曾嘉豪", Role.SOCIAL_WORKER),
              ("dudao", "刘督导", Role.SUPERVISOR))
FACILITIES = (FacilityType.PARTY_CENTER, FacilityType.HOME_CARE_CENTER, FacilityType.NURSING_HOME,
              FacilityType.SCHOOL)


def _name(rng: random.Random) -> str:
    surname = "欧阳" if rng.random() < 0.01 else rng.choice(SURNAMES)
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
        number = make_id_number(county, birth, rng.randrange(1000))
        while number in used:
            number = make_id_number(county, birth, rng.randrange(1000))
        used.add(number)
        name = _name(rng)
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
