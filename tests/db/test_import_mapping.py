"""导入数据's mapping with the database: suggested from titles and synonyms (value maps for the station's
villages), remembered by file shape and offered next time, administrators only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data import audit
from shuanbai_desktop.data.models import User
from shuanbai_desktop.data.models.importing import ImportMapping
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.importing import mapping, reader, table
from shuanbai_desktop.services.importing.base import Mapping
from tests.unit.import_books import MESSY_XLS, messy_csv
from tests.unit.test_import_mapping import VILLAGES, FakeSpec


class Spec(FakeSpec):
    def choices(self, session):
        return {"village": VILLAGES}


SPEC = Spec()


@pytest.fixture(scope="module")
def messy() -> table.Table:
    return table.build_table(reader.read_sheet(reader.inspect_file(MESSY_XLS)), 4)


def test_suggested_from_titles_with_village_values(station_db, messy):
    with station_db.session() as s:
        suggested = mapping.suggest_mapping(s, SPEC, messy)
    # 姓名 B, 公民身份号码 C, 联系方式/手机 E (not 固话 F), 所属村（居） G; 人员类别 has no column
    assert suggested.columns == {"name": 1, "id_number": 2, "phone": 4, "village": 6}
    assert suggested.fixed == {}
    assert suggested.values == {"village": {"东风村委会": "1", "桥东社区居委会": "2"}}  # 红花村 is a label itself


def test_a_confirmed_mapping_is_offered_again_for_a_file_of_the_same_shape(station_db, messy, tmp_path):
    chosen = Mapping({"name": "B", "village": "G", "phone": "F"}, {"groups": "低保对象"},
                     {"village": {"东风村委会": "4"}})
    with station_db.session() as s:
        mapping.remember(s, SPEC, messy, chosen)
        mapping.remember(s, SPEC, messy, chosen)  # kept once, replaced
        assert s.execute(select(func.count()).select_from(ImportMapping)).scalar_one() == 1
    twin = table.build_table(reader.read_sheet(reader.inspect_file(messy_csv(tmp_path / "twin.csv", "gb18030"))), 4)
    with station_db.session() as s:
        offered = mapping.suggest_mapping(s, SPEC, twin)  # the csv twin has the same letters and titles
    assert offered == Mapping({"name": 1, "village": 6, "phone": 5}, {"groups": "低保对象"},
                              {"village": {"东风村委会": "4"}})
    other = table.build_table(reader.Grid("表", [["姓名", "村(居)"], ["陈大文", "东风村"]], ()), 1)
    with station_db.session() as s:
        assert mapping.suggest_mapping(s, SPEC, other).columns == {"name": 0, "village": 1}


def test_a_remembered_mapping_that_no_longer_fits_is_not_offered(station_db, messy):
    with station_db.session() as s:
        s.add(ImportMapping(shape=mapping.shape_key(SPEC.kind, messy), kind="residents",
                            mapping=Mapping({"retired_field": 1}).to_json()))
    with station_db.session() as s:
        assert mapping.suggest_mapping(s, SPEC, messy).columns["name"] == 1


def test_only_an_administrator_may_map_and_remember(station_db, messy):
    with station_db.session() as s:
        auth.create_user(s, "shegong", "测试社工", Role.SOCIAL_WORKER, "Qiao-dong-2024-zhan", must_change=False)
        user_id = s.scalar(select(User.id).where(User.username == "shegong"))
    worker = audit.Actor(user_id, "shegong")
    with station_db.session(worker) as s:
        with pytest.raises(UserError):
            mapping.suggest_mapping(s, SPEC, messy)
        with pytest.raises(UserError):
            mapping.remember(s, SPEC, messy, Mapping({"name": 1}))
