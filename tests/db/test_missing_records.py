"""A record gone from under a form (the station's, an account): a Chinese message, not the crash dialog.

Found by mypy (issue 18): ``session.get`` / ``select(Station)`` may give ``None`` and the next
attribute access raised ``AttributeError``.
"""

from __future__ import annotations

import pytest

from shuanbai_desktop.domain.labels import FacilityType
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.services.permissions import as_system
from tests.conftest import BOTH
from tests.db.test_staff_common import add_point, villages

BACKENDS = BOTH


def test_saving_a_service_point_deleted_meanwhile_is_a_chinese_message(station_db):
    codes = villages(station_db)[:2]
    point_id = add_point(station_db, "东湖社工点", codes)
    with station_db.session() as s:  # a colleague deletes it while the form is still open
        station.delete_service_point(s, point_id)
    edited = station.ServicePointInput("东湖社工点", FacilityType.SCHOOL, "", "", "", tuple(codes))
    with pytest.raises(UserError) as caught, station_db.session() as s:
        station.save_service_point(s, edited, point_id)
    assert caught.value.message == "找不到这条社工点（可能已被删除）。"
    with station_db.session() as s:
        assert station.list_service_points(s) == []


def test_updating_the_station_before_it_is_set_up_is_a_chinese_message(empty_db):
    with pytest.raises(UserError) as caught, empty_db.session() as s:
        station.update_station(as_system(s), "桥东街道社会工作服务站", "", "")
    assert "还没有设立社工站" in caught.value.message
    with empty_db.session() as s:
        assert station.get_station(s) is None


def test_an_account_that_is_not_there_is_a_chinese_message(station_db):
    with pytest.raises(UserError) as caught, station_db.session() as s:
        auth.get_user(s, 9999)
    assert caught.value.message == "找不到该用户账户，请刷新列表后再试。"
    with pytest.raises(UserError) as caught, station_db.session() as s:
        auth.change_own_password(s, 9999, "Zhan2024abc", "Xin2025abcd")
    assert caught.value.message == "找不到该用户账户，请刷新列表后再试。"
