"""Probes for 窗口登记: registering a matter (WINDOW_REGISTER) and keeping the catalogue of
transfer departments (WINDOW_SETTINGS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shuanbai_desktop.domain.counter_labels import Channel, Handling
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.window import catalogue, departments, registration
from shuanbai_desktop.services.window.registration import RegistrationInput

from . import World

AT = datetime(2025, 6, 30, 9, 30)  # a Monday


def setup(session: Session, world: World) -> None:
    matters = {m.name: m.id for m in catalogue.list_matters(session)}
    world.ids["window.matter"] = matters["政策咨询"]


def _register(session: Session, world: World) -> None:
    """An enquiry answered at once (当场办结): no resident, handler or department needed."""
    registration.register(session, RegistrationInput(
        Channel.PHONE, None, world.ids["window.matter"], handling=Handling.ON_SPOT,
        result="已解答高龄津贴的申请条件"), at=AT)


def _department(session: Session, world: World) -> None:
    departments.save_department(session, departments.DepartmentInput("镇退役军人服务站", "王主任", "0752-2808999"))


PROBES = {Permission.WINDOW_REGISTER: _register, Permission.WINDOW_SETTINGS: _department}
