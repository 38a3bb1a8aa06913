"""打印设置 for the window's papers: paper size, where and when residents come back, a closing note."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...data.models import Setting
from ...errors import UserError
from ..fields import clean_text
from ..permissions import Permission, require

PAPERS = ("A5", "A4")
DEFAULT_HOURS = "周一至周五 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）"
DEFAULT_NOTE = "以上为办理本事项所需的全部材料，本站不再要求另行补充其他材料。如有疑问，请致电本站。"
KEYS = {"paper": "window.paper", "office_hours": "window.office_hours", "return_place": "window.return_place",
        "note": "window.notice_note"}


@dataclass(frozen=True)
class PrintSettings:
    paper: str = "A5"
    office_hours: str = DEFAULT_HOURS
    return_place: str = ""  # empty: the station's name and address
    note: str = DEFAULT_NOTE


def get_print_settings(session: Session) -> PrintSettings:
    values = {}
    for field, key in KEYS.items():
        row = session.get(Setting, key)
        if row is not None:
            values[field] = json.loads(row.value)
    return PrintSettings(**values)


def save_print_settings(session: Session, data: PrintSettings) -> PrintSettings:
    require(session, Permission.WINDOW_SETTINGS)
    if data.paper not in PAPERS:
        raise UserError("纸张只能选择 A5 或 A4。", field="纸张")
    clean_data = PrintSettings(data.paper, clean_text(data.office_hours, "办公时间", 80, required=True),
                               clean_text(data.return_place, "领取或回复地点", 120), clean_text(data.note, "告知单备注", 200))
    for field, key in KEYS.items():
        value = json.dumps(getattr(clean_data, field), ensure_ascii=False)
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        elif row.value != value:
            row.value = value
    return clean_data
