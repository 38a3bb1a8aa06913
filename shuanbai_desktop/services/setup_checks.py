"""Checks for the set-up wizard's pages, with the same rules and field names as ``setup_station``.

The wizard validates each page before moving on, so the user hears about an empty
station name on the page where it was typed, not three pages later. Nothing is written.
"""

from __future__ import annotations

from ..domain.password_rules import PASSWORD_RULES  # noqa: F401 - shown by the wizard and 修改密码
from ..domain.phone import validate_phone
from ..errors import UserError
from . import auth, station


def check_station_profile(name: str, address: str, phone: str) -> None:
    station.check_text(name, "社工站名称", 60)
    station.check_text(address, "地址", 120, required=False)
    validate_phone(phone or "", field="联系电话")


def check_admin(username: str, display_name: str, password: str, confirm: str) -> None:
    name = auth.check_username(username)
    display = auth.check_display_name(display_name)
    auth.check_password_rules(password, name, display)
    if password != confirm:
        raise UserError("两次输入的密码不一致，请重新输入。", field="确认密码")
