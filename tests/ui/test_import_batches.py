"""设置 → 导入数据: the tab (administrators only), the batch list, opening the wizard, undoing a batch and
being told which records block an undo."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from shuanbai_desktop.data.models.person import Person
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.importing import batch, kinds, mapping, reader, table
from shuanbai_desktop.services.importing.base import Existing, ImportKind
from shuanbai_desktop.ui.importing import batches_page
from shuanbai_desktop.ui.settings import SettingsView
from tests.ui.helpers import app_context, click, grab
from tests.ui.import_steps import EXAMPLES, forward

TODAY = date(2025, 1, 15)


@pytest.fixture
def view(qtbot, ctx):
    widget = SettingsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.show_page("settings.import")
    return widget


def _import(ctx, name: str, kind: ImportKind = ImportKind.RESIDENTS) -> batch.BatchRow:
    """An example file imported through the services, as the wizard does it."""
    info = reader.inspect_file(EXAMPLES / name)
    grid = reader.read_sheet(info)
    spec = kinds.spec(kind)
    tbl = table.build_table(grid, table.suggest_header_row(grid, spec.fields))
    with ctx.session() as s:
        suggested = mapping.suggest_mapping(s, spec, tbl)
        return batch.run_import(s, kind, tbl, suggested, Existing.SKIP,
                                batch.SourceRef(info.file_name, info.sha256, tbl.sheet), TODAY)


def _persons(ctx) -> int:
    with ctx.session() as s:
        return s.execute(select(func.count()).select_from(Person)).scalar_one()


def test_only_an_administrator_has_the_tab(qtbot, view, ctx, station_db):
    assert "导入数据" in view.tab_titles()
    with ctx.session() as s:
        auth.create_user(s, "chenli", "陈丽", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    worker = SettingsView(app_context(station_db, auth.log_in(station_db, "chenli", "Shegong2024")))
    qtbot.addWidget(worker)
    assert "导入数据" not in worker.tab_titles()


def test_the_list_opens_the_wizard_and_shows_the_new_batch(qtbot, view, ctx):
    page = view.pages["settings.import"]
    assert page.empty_note.isVisible() and page.model.rowCount() == 0
    assert not page.undo_button.isEnabled()
    grab(view, "import_batches_empty")
    page._today = TODAY
    click(qtbot, page.import_button)
    wizard = page.wizard
    assert wizard.isVisible() and page.dialog is wizard
    wizard.file_page.set_file(EXAMPLES / "staff.xlsx", ImportKind.STAFF)
    for _step in range(5):
        forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.result_page, wizard.currentPage().error_label.text()
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    row = page.selected()
    assert row is not None and row.kind is ImportKind.STAFF
    cells = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert cells[1:4] == ["人员花名册", "staff.xlsx", "花名册"] and cells[4].startswith("新增 8")
    assert cells[5] == "admin" and cells[6] == "已导入"
    assert "新增 8" in page.notice.text()
    assert page.undo_button.isEnabled()
    grab(view, "import_batches")


def test_undo_removes_the_batch_and_a_used_record_blocks_it(qtbot, view, ctx, monkeypatch):
    kept = _import(ctx, "residents.xlsx")
    undone = _import(ctx, "staff.xlsx", ImportKind.STAFF)
    page = view.pages["settings.import"]
    page.refresh()
    assert page.model.rowCount() == 2

    # a person of the first batch changed after the import: the undo is refused and the screen says why
    with ctx.session() as s:
        person_id, name, village = s.execute(
            select(Person.id, Person.name, Person.village_code).where(Person.import_batch_id == kept.id)
            .order_by(Person.id)).first()
        persons.save_person(s, persons.PersonInput(name=name, id_number=None, village_code=village,
                                                   address="桥东街道新地址1号"), person_id, today=TODAY)
    asked = []
    monkeypatch.setattr(batches_page.messages, "confirm", lambda *args: asked.append(args) or True)
    page.select(kept.id)
    click(qtbot, page.undo_button)
    assert not asked  # refused before any question
    assert page.blockers_box.isVisible()
    assert f"居民「{name}」导入后被修改过" in page.blockers.toPlainText()
    assert _persons(ctx) == 26
    grab(view, "import_batches_blocked")

    page.select(undone.id)
    assert not page.blockers_box.isVisible()
    click(qtbot, page.undo_button)
    assert len(asked) == 1 and "staff.xlsx" in asked[0][1]
    row = page.selected()
    assert row.id == undone.id and row.undone_at is not None
    assert page.model.index(page.model.rows.index(row), 6).data().startswith("已撤销")
    assert not page.undo_button.isEnabled()
    assert "已撤销批次" in page.notice.text()
    with ctx.session() as s:
        assert {b.id: b.undone_at is not None for b in batch.list_batches(s)} == {kept.id: False, undone.id: True}
    grab(view, "import_batches_undone")
