"""A ``Table`` for the import tests, built by hand as ``table.build_table`` would give it (header in row 1)."""

from __future__ import annotations

from collections.abc import Sequence

from shuanbai_desktop.services.importing.base import Column, Mapping
from shuanbai_desktop.services.importing.batch import SourceRef
from shuanbai_desktop.services.importing.table import Table, column_letter

SOURCE = SourceRef("名册.xlsx", "ab" * 32, "Sheet1")


def table(titles: Sequence[str], rows: Sequence[Sequence[object]], first_row: int = 2) -> Table:
    """Columns A, B … titled ``titles``; data rows numbered from ``first_row`` as Excel shows them."""
    columns = tuple(Column(i, column_letter(i), title) for i, title in enumerate(titles))
    data = tuple((first_row + n, tuple(row)) for n, row in enumerate(rows))
    return Table("Sheet1", columns, (first_row - 1,), data, ())


def by_titles(spec_fields, tbl: Table, **fixed: str) -> Mapping:
    """Each column mapped to the field of the same title; ``fixed`` values by field key."""
    keys = {f.title: f.key for f in spec_fields}
    columns = {keys[c.title]: i for i, c in enumerate(tbl.columns) if c.title in keys}
    return Mapping(columns, dict(fixed), {})
