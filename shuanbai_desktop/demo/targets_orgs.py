"""Demo station leadership (站长, 常务副站长) and community organisations fostered (R1.2, R4.5).

Runs after ``demo/targets.py`` (name order): the volunteers, activities and linked resources it made are
tied to the organisations here by the names they already carry; a part of the activities gets a partner.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..data.models import Station, Village
from ..data.models.organisations import CommunityOrg
from ..data.models.targets import Activity, ResourceLink, Volunteer
from ..domain.org_labels import OrgKind, OrgStatus, OrgSupport
from . import _phone

# (name, kind, of a village?, members, status, support, the volunteers' or providers' name it stands for)
ORGS = (
    ("社区志愿服务队", OrgKind.VOLUNTEER_TEAM, False, 46, OrgStatus.FILED, "venue,training", "社区志愿服务队"),
    ("巾帼志愿队", OrgKind.VOLUNTEER_TEAM, False, 28, OrgStatus.FILED, "training,project", "巾帼志愿队"),
    ("青年志愿者协会", OrgKind.VOLUNTEER_TEAM, False, 35, OrgStatus.REGISTERED, "project,funding", "青年志愿者协会"),
    ("党员先锋队", OrgKind.VOLUNTEER_TEAM, False, 22, OrgStatus.FILED, "venue", "党员先锋队"),
    ("社区慈善基金", OrgKind.CHARITY, False, 9, OrgStatus.REGISTERED, "governance,funding", "社区基金会"),
    ("长者互助会", OrgKind.MUTUAL_AID, True, 31, OrgStatus.FOSTERING, "venue,training,registration", ""),
    ("四点半课堂家长会", OrgKind.COMMUNITY, True, 18, OrgStatus.FOSTERING, "venue,project", ""),
    ("残疾人康复互助小组", OrgKind.MUTUAL_AID, True, 14, OrgStatus.FOSTERING, "training", ""),
    ("广场舞协会", OrgKind.COMMUNITY, True, 40, OrgStatus.FILED, "venue,registration", ""),
    ("老年人书法队", OrgKind.COMMUNITY, True, 12, OrgStatus.STOPPED, "venue", ""),
)
LEADERS = ("镇党委委员、副镇长", "镇公共服务办主任")
SURNAMES = "李陈张黄林刘吴叶何罗杨郑梁谢"
GIVEN = "伟强明国建志文华平军海辉红芳敏静丽燕"


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _short(village: str) -> str:
    return village.replace("居民委员会", "社区").replace("村民委员会", "村").replace("委员会", "")


def add_demo(session: Session, rng: random.Random, today: date) -> None:
    station = session.scalar(select(Station))
    if station is None or session.scalar(select(CommunityOrg.id)) is not None:
        return
    if not station.leader_name:
        station.leader_name, station.leader_post = _person_name(rng), LEADERS[0]
        station.deputy_name, station.deputy_post = _person_name(rng), LEADERS[1]
    villages = session.execute(select(Village.code, Village.name).order_by(Village.code)).all()
    town = station.town_name
    ids: dict[str, int] = {}
    for k, (name, kind, local, members, status, support, stands_for) in enumerate(ORGS):
        village = villages[k % len(villages)] if local and villages else None
        fostered = today - timedelta(days=3 if k == 6 else rng.randint(60, 1000))
        org = CommunityOrg(name=f"{_short(village[1]) if village else town}{name}", kind=kind.value,
                           village_code=village[0] if village else None,
                           founded_on=fostered - timedelta(days=rng.randint(0, 400)) if k % 3 else None,
                           fostered_since=fostered, contact_name=_person_name(rng), contact_phone=_phone(rng),
                           members=members, status=status.value,
                           stopped_on=fostered + timedelta(days=40) if status is OrgStatus.STOPPED else None,
                           support=",".join(s.value for s in OrgSupport if s.value in support.split(",")),
                           support_note="每月一次骨干培训，站内活动室每周开放两个下午。" if "training" in support else "")
        session.add(org)
        session.flush()
        if stands_for:
            ids[stands_for] = org.id
    for text, org_id in ids.items():
        session.execute(update(Volunteer).where(Volunteer.organisation == text).values(org_id=org_id))
        session.execute(update(ResourceLink).where(ResourceLink.provider == text).values(org_id=org_id))
    partners = session.execute(select(CommunityOrg.id, CommunityOrg.name)
                               .where(CommunityOrg.status != OrgStatus.STOPPED.value).order_by(CommunityOrg.id)).all()
    activities = session.scalars(select(Activity.id).order_by(Activity.id)).all()
    for activity_id in activities:
        if partners and rng.random() < 0.4:
            org_id, org_name = rng.choice(partners)
            session.execute(update(Activity).where(Activity.id == activity_id).values(org_id=org_id, partner=org_name))
