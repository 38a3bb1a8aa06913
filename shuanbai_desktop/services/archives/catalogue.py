"""The archive catalogue (档案目录): one record per 件 with its 档号, place, owner and state.

A record is never deleted: a file that leaves the archive does so by a recorded
destruction (``retention.destroy``), and a mistake is corrected by editing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.archives import ArchiveDestruction, ArchiveFile, ArchiveLoan
from ...data.numbering import next_number
from ...domain.archive_rules import (
    ArchiveCategory,
    Confidentiality,
    OwnerKind,
    Retention,
    check_item_no,
    check_pages,
    check_year,
    format_number,
    retention_expiry,
    review_due,
)
from ...errors import UserError
from ..fields import clean_text, date_order, not_after, optional_day, past_day
from ..permissions import Permission, require
from ..records import get_or_error

OWNER_TYPE = "archive_file"  # attachments (scans) of a file in the attachment store


@dataclass(frozen=True)
class OwnerLink:
    """Whom a file belongs to: a person of the registry, a household, a staff member or a case."""

    kind: OwnerKind
    id: int | None
    label: str = ""


@dataclass(frozen=True)
class ArchiveInput:
    title: str
    category: ArchiveCategory
    year: int
    retention: Retention
    pages: int
    confidentiality: Confidentiality = Confidentiality.INTERNAL
    item_no: int | None = None  # None: the next free number of category, year and retention
    doc_ref: str = ""
    responsible: str = ""
    doc_date: date | str | None = None
    filed_on: date | str | None = None  # None: today
    cabinet: str = ""
    box: str = ""
    owner: OwnerLink | None = None
    notes: str = ""


@dataclass(frozen=True)
class ArchiveRow:
    id: int
    number: str
    category: ArchiveCategory
    year: int
    retention: Retention
    item_no: int
    title: str
    doc_ref: str
    responsible: str
    doc_date: date | None
    filed_on: date
    confidentiality: Confidentiality
    cabinet: str
    box: str
    pages: int
    owner: OwnerLink | None
    notes: str
    extended_until: date | None
    review_note: str
    destroyed_on: date | None
    borrower: str  # who has it now ("" when in the archive)
    due_on: date | None
    version: int = 0  # what the form hands back to save_file (a save from an older version is refused)

    @property
    def state_text(self) -> str:
        if self.destroyed_on:
            return "已销毁"
        return "借出" if self.borrower else "在库"

    @property
    def expiry(self) -> date | None:
        """Last day to keep the file (after an extension: the extension's end)."""
        return self.extended_until or retention_expiry(self.year, self.retention)

    @property
    def place_text(self) -> str:
        return "".join((f"{self.cabinet}柜" if self.cabinet else "", f" {self.box}盒" if self.box else "")).strip()

    @property
    def owner_text(self) -> str:
        return f"{self.owner.kind.label}：{self.owner.label}" if self.owner else ""

    def is_review_due(self, today: date) -> bool:
        return not self.destroyed_on and review_due(self.year, self.retention, self.extended_until, today)


def _highest_item_no(session: Session, category: ArchiveCategory, year: int, retention: Retention) -> int:
    highest = session.scalar(select(func.max(ArchiveFile.item_no)).where(
        ArchiveFile.category == category.value, ArchiveFile.year == year, ArchiveFile.retention == retention.value))
    return highest or 0


def next_item_no(session: Session, category: ArchiveCategory, year: int, retention: Retention) -> int:
    """The 件号 the next file of this classification would get (what the form shows; nothing is locked)."""
    return _highest_item_no(session, category, year, retention) + 1


def take_item_no(session: Session, category: ArchiveCategory, year: int, retention: Retention) -> int:
    """The next 件号, the series locked for the writer's transaction (data/numbering.py)."""
    series = f"archive_item:{category.value}:{year}:{retention.value}"
    return next_number(session, series, lambda: _highest_item_no(session, category, year, retention))


def _owner(session: Session, link: OwnerLink | None) -> OwnerLink | None:
    if link is None:
        return None
    kind = OwnerKind(link.kind)
    if kind is OwnerKind.PERSON:
        if not link.id:
            raise UserError("请点击“选择居民…”选定档案所属的居民。", field="所属")
        person = session.get(Person, link.id)
        if person is None:
            raise UserError("所选居民不存在，请重新选择。", field="所属")
        return OwnerLink(kind, person.id, person.name)
    label = clean_text(link.label, "所属", 60, required=True)
    if kind in (OwnerKind.HOUSEHOLD, OwnerKind.CASE) and not link.id:
        raise UserError(f"请选择所属的{kind.label}。", field="所属")
    return OwnerLink(kind, link.id, label)


def _dates(data: ArchiveInput, year: int, today: date) -> tuple[date | None, date]:
    doc_date = optional_day(data.doc_date, "文件日期")
    not_after(doc_date, today, "文件日期")
    if doc_date and doc_date.year != year:
        raise UserError(f"年度应与文件日期的年份一致（{doc_date.year}）：按文件形成的年度归档。", field="年度")
    filed = past_day(data.filed_on, "归档日期", today) if data.filed_on else today
    date_order(doc_date, filed, "文件日期", "归档日期")
    return doc_date, filed


def file_values(session: Session, data: ArchiveInput, file_id: int | None, today: date) -> dict:
    """The catalogue columns from ``data`` (no 件号: the next free one), checked by the form's rules;
    nothing is written (the catalogue import checks its rows with it)."""
    category, retention = ArchiveCategory(data.category), Retention(data.retention)
    year = check_year(int(data.year), today)
    item = check_item_no(data.item_no) if data.item_no else take_item_no(session, category, year, retention)
    number = format_number(category, year, retention, item)
    clash = session.scalar(select(ArchiveFile).where(ArchiveFile.number == number))
    if clash is not None and clash.id != file_id:
        raise UserError(f"档号 {number} 已用于“{clash.title}”，请换一个件号。", field="件号")
    doc_date, filed = _dates(data, year, today)
    owner = _owner(session, data.owner)
    return dict(number=number, category=category.value, year=year, retention=retention.value, item_no=item,
                title=clean_text(data.title, "题名", 200, required=True), doc_ref=clean_text(data.doc_ref, "文号", 60),
                responsible=clean_text(data.responsible, "责任者", 60), doc_date=doc_date, filed_on=filed,
                confidentiality=Confidentiality(data.confidentiality).value, cabinet=clean_text(data.cabinet, "柜号", 20),
                box=clean_text(data.box, "盒号", 20), pages=check_pages(int(data.pages)),
                owner_type=owner.kind.value if owner else None, owner_id=owner.id if owner else None,
                owner_label=owner.label if owner else "", notes=clean_text(data.notes, "备注", 1000))


def save_file(session: Session, data: ArchiveInput, file_id: int | None = None, today: date | None = None,
              version: int | None = None) -> int:
    """Catalogue a new file or correct one; the 档号 is built from its parts and must be unique.
    ``version``: the ``ArchiveRow.version`` the form was opened on (a save after someone else's is refused)."""
    require(session, Permission.ARCHIVE_EDIT)
    today = today or date.today()
    record = get_or_error(session, ArchiveFile, file_id, "档案记录", version) if file_id else ArchiveFile()
    if record.destruction_id:
        raise UserError("已销毁的档案只保留目录记录，不能再修改。")
    for key, value in file_values(session, data, file_id, today).items():
        setattr(record, key, value)
    if file_id is None:
        session.add(record)
    session.flush()
    return record.id


def load_file(session: Session, file_id: int) -> ArchiveFile:
    return get_or_error(session, ArchiveFile, file_id, "档案记录")


def rows_of(session: Session, files: list[ArchiveFile]) -> list[ArchiveRow]:
    ids = [f.id for f in files]
    loans = {loan.file_id: loan for loan in session.scalars(
        select(ArchiveLoan).where(ArchiveLoan.returned_on.is_(None), ArchiveLoan.file_id.in_(ids)))}
    destroyed = dict(session.execute(select(ArchiveDestruction.id, ArchiveDestruction.destroyed_on)).all())
    return [_row(f, loans.get(f.id), destroyed.get(f.destruction_id or 0)) for f in files]


def _row(f: ArchiveFile, loan: ArchiveLoan | None, destroyed_on: date | None) -> ArchiveRow:
    owner = OwnerLink(OwnerKind(f.owner_type), f.owner_id, f.owner_label) if f.owner_type else None
    return ArchiveRow(f.id, f.number, ArchiveCategory(f.category), f.year, Retention(f.retention), f.item_no, f.title,
                      f.doc_ref, f.responsible, f.doc_date, f.filed_on, Confidentiality(f.confidentiality), f.cabinet,
                      f.box, f.pages, owner, f.notes, f.extended_until, f.review_note, destroyed_on,
                      loan.borrower_name if loan else "", loan.due_on if loan else None, f.version)


def get_file(session: Session, file_id: int) -> ArchiveRow:
    return rows_of(session, [load_file(session, file_id)])[0]


@dataclass(frozen=True)
class ArchiveFilter:
    text: str = ""
    category: ArchiveCategory | None = None
    year: int | None = None
    retention: Retention | None = None
    include_destroyed: bool = False


def _filtered(query, flt: ArchiveFilter):
    text = (flt.text or "").strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(ArchiveFile.number.ilike(like), ArchiveFile.title.like(like),
                                ArchiveFile.doc_ref.like(like), ArchiveFile.owner_label.like(like),
                                ArchiveFile.responsible.like(like)))
    if flt.category:
        query = query.where(ArchiveFile.category == flt.category.value)
    if flt.year:
        query = query.where(ArchiveFile.year == flt.year)
    if flt.retention:
        query = query.where(ArchiveFile.retention == flt.retention.value)
    if not flt.include_destroyed:
        query = query.where(ArchiveFile.destruction_id.is_(None))
    return query


ORDER = (ArchiveFile.year.desc(), ArchiveFile.number)


def list_files(session: Session, flt: ArchiveFilter | None = None) -> list[ArchiveRow]:
    return rows_of(session, list(session.scalars(_filtered(select(ArchiveFile), flt or ArchiveFilter()).order_by(*ORDER))))


def files_for_owner(session: Session, kind: OwnerKind, owner_id: int) -> list[ArchiveRow]:
    """The files linked to one person, household, staff member or case (for those features' screens)."""
    query = select(ArchiveFile).where(ArchiveFile.owner_type == OwnerKind(kind).value,
                                      ArchiveFile.owner_id == owner_id).order_by(*ORDER)
    return rows_of(session, list(session.scalars(query)))


def years(session: Session) -> list[int]:
    return list(session.scalars(select(ArchiveFile.year).distinct().order_by(ArchiveFile.year.desc())))


def places(session: Session) -> tuple[list[str], list[str]]:
    """Cabinets and boxes already used (suggestions for the form)."""
    cabinets = session.scalars(select(ArchiveFile.cabinet).distinct().where(ArchiveFile.cabinet != ""))
    boxes = session.scalars(select(ArchiveFile.box).distinct().where(ArchiveFile.box != ""))
    return sorted(cabinets), sorted(boxes)
