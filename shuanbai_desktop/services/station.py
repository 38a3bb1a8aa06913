"""The station: first set-up, profile, service points and coverage (R1)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..data import divisions
from ..data.models import ServicePoint, ServicePointVillage, Station, Village
from ..domain.coverage import Coverage, compute_coverage
from ..domain.labels import FacilityType, Role
from ..domain.phone import validate_phone
from ..errors import UserError
from . import auth
from .fields import clean_text
from .permissions import Permission, require
from .records import get_or_new


@dataclass(frozen=True)
class StationInfo:
    town_code: str
    town_name: str
    county_code: str
    county_name: str
    city_name: str
    name: str
    address: str
    phone: str
    leader_name: str = ""  # 站长 (R1.2)
    leader_post: str = ""
    deputy_name: str = ""  # 常务副站长
    deputy_post: str = ""

    @property
    def area_text(self) -> str:
        return f"广东省{self.city_name}{self.county_name}{self.town_name}"


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str


@dataclass(frozen=True)
class ServicePointRow:
    id: int
    name: str
    facility_type: FacilityType
    address: str
    liaison_name: str
    liaison_phone: str
    village_codes: tuple[str, ...]
    village_names: tuple[str, ...]


def check_text(value: str, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise UserError(f"{field}不能为空。", field=field)
    if len(text) > limit:
        raise UserError(f"{field}不能超过 {limit} 个字（现在 {len(text)} 个）。", field=field)
    return text


def setup_station(session: Session, town_code: str, name: str, address: str, phone: str,
                  admin_username: str, admin_display_name: str, admin_password: str) -> StationInfo:
    """First start: the station, its villages from the division data, the first administrator.

    Needs no logged-in user (there is none yet), so it is refused whenever the database already has
    a station or any account: it can never add an administrator to a station in use.
    """
    if session.scalar(select(Station.id)) or auth.has_users(session):
        raise UserError("本数据库已经设立过社工站，不能重复设立。")
    path = divisions.find_town(town_code.strip())
    if path is None:
        raise UserError(f"乡镇(街道)代码“{town_code}”不在广东省区划数据中，应为 9 位统计用区划代码。",
                        field="乡镇(街道)")
    station = Station(town_code=path.town.code, town_name=path.town.name, county_code=path.county.code,
                      county_name=path.county.name, city_code=path.city.code, city_name=path.city.name,
                      name=check_text(name, "社工站名称", 60), address=check_text(address, "地址", 120, required=False),
                      phone=validate_phone(phone or "", field="联系电话"))
    session.add(station)
    session.flush()
    session.add_all(Village(code=v.code, name=v.name, station_id=station.id)
                    for v in divisions.villages(path.town.code))
    auth.add_first_user(session, admin_username, admin_display_name, Role.ADMIN, admin_password, must_change=False)
    return _station_info(station)


def default_station_name(town_name: str) -> str:
    return f"{town_name}社会工作服务站"


def _station_info(s: Station) -> StationInfo:
    return StationInfo(s.town_code, s.town_name, s.county_code, s.county_name, s.city_name, s.name,
                       s.address, s.phone, s.leader_name, s.leader_post, s.deputy_name, s.deputy_post)


def get_station(session: Session) -> StationInfo | None:
    station = session.scalar(select(Station))
    return _station_info(station) if station else None


def update_station(session: Session, name: str, address: str, phone: str) -> StationInfo:
    require(session, Permission.STATION_EDIT)
    station = session.scalar(select(Station))
    if station is None:
        raise UserError("本数据库还没有设立社工站，请先完成站点设置。")
    station.name = check_text(name, "社工站名称", 60)
    station.address = check_text(address, "地址", 120, required=False)
    station.phone = validate_phone(phone or "", field="联系电话")
    return _station_info(station)


def update_leadership(session: Session, leader_name: str, leader_post: str, deputy_name: str,
                      deputy_post: str) -> StationInfo:
    """站长 and 常务副站长 (R1.2): officials of the town, not staff; printed on the monthly report."""
    require(session, Permission.STATION_EDIT)
    station = session.scalar(select(Station))
    if station is None:
        raise UserError("本数据库还没有设立社工站，请先完成站点设置。")
    station.leader_name = clean_text(leader_name, "站长姓名", 40)
    station.leader_post = clean_text(leader_post, "站长职务", 60)
    station.deputy_name = clean_text(deputy_name, "常务副站长姓名", 40)
    station.deputy_post = clean_text(deputy_post, "常务副站长职务", 60)
    if station.leader_post and not station.leader_name:
        raise UserError("填写了站长职务，请同时填写站长姓名。", field="站长姓名")
    if station.deputy_post and not station.deputy_name:
        raise UserError("填写了常务副站长职务，请同时填写常务副站长姓名。", field="常务副站长姓名")
    return _station_info(station)


def list_villages(session: Session) -> list[VillageRow]:
    return [VillageRow(v.code, v.name) for v in session.scalars(select(Village).order_by(Village.code))]


def _point_row(p: ServicePoint, names: dict[str, str]) -> ServicePointRow:
    codes = tuple(sorted(v.village_code for v in p.villages))
    return ServicePointRow(p.id, p.name, FacilityType(p.facility_type), p.address, p.liaison_name,
                           p.liaison_phone, codes, tuple(names.get(c, c) for c in codes))


def list_service_points(session: Session) -> list[ServicePointRow]:
    names = {v.code: v.name for v in list_villages(session)}
    points = session.scalars(select(ServicePoint).where(ServicePoint.active.is_(True))
                             .options(selectinload(ServicePoint.villages)).order_by(ServicePoint.id))
    return [_point_row(p, names) for p in points]


@dataclass(frozen=True)
class ServicePointInput:
    name: str
    facility_type: FacilityType
    address: str
    liaison_name: str
    liaison_phone: str
    village_codes: tuple[str, ...]


def _validated(session: Session, data: ServicePointInput, point_id: int | None) -> ServicePointInput:
    name = check_text(data.name, "社工点名称", 40)
    clash = session.scalar(select(ServicePoint.id).where(ServicePoint.name == name, ServicePoint.active.is_(True)))
    if clash and clash != point_id:
        raise UserError(f"已有名为“{name}”的社工点。", field="社工点名称")
    if not data.village_codes:
        raise UserError("社工点至少要覆盖一个村(居)。", field="覆盖村(居)")
    known = {v.code for v in list_villages(session)}
    unknown = [c for c in data.village_codes if c not in known]
    if unknown:
        raise UserError(f"村(居)代码 {unknown[0]} 不属于本站。", field="覆盖村(居)")
    return ServicePointInput(name, FacilityType(data.facility_type), check_text(data.address, "地址", 120, False),
                             check_text(data.liaison_name, "联络人", 40, False),
                             validate_phone(data.liaison_phone or "", field="联络人电话"),
                             tuple(sorted(set(data.village_codes))))


def save_service_point(session: Session, data: ServicePointInput, point_id: int | None = None) -> int:
    require(session, Permission.STATION_EDIT)
    clean = _validated(session, data, point_id)
    point = get_or_new(session, ServicePoint, point_id, "社工点")
    point.name, point.facility_type, point.address = clean.name, clean.facility_type.value, clean.address
    point.liaison_name, point.liaison_phone = clean.liaison_name, clean.liaison_phone
    if point_id is None:
        session.add(point)
    current = {v.village_code: v for v in point.villages}
    for code in set(current) - set(clean.village_codes):
        point.villages.remove(current[code])
    for code in sorted(set(clean.village_codes) - set(current)):
        point.villages.append(ServicePointVillage(village_code=code))
    session.flush()
    return point.id


def delete_service_point(session: Session, point_id: int) -> None:
    """Delete a point no other record refers to; otherwise say so and change nothing."""
    require(session, Permission.STATION_EDIT)
    point = session.get(ServicePoint, point_id)
    if point is None:
        raise UserError("找不到该社工点，请刷新列表后再试。", field="社工点")
    try:
        with session.begin_nested():
            session.delete(point)
            session.flush()
    except IntegrityError:
        session.expire_all()
        raise UserError(f"社工点“{point.name}”已被人员、资产等记录引用，不能删除。请先把这些记录改到其他社工点。",
                        field="社工点") from None


def coverage(session: Session) -> Coverage:
    villages = {v.code: v.name for v in list_villages(session)}
    points = [(p.name, list(p.village_codes)) for p in list_service_points(session)]
    return compute_coverage(villages, points)
