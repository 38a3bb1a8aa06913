"""From a sheet as read (``reader.Grid``) to a table: its header row(s), its columns, its data rows.

Real ledgers have a title row (or several) above the table, merged header cells, two-row headers (an
upper merged cell “联系方式” over “手机”, “固话” → titles “联系方式/手机”, “联系方式/固话”; a cell merged
down both rows keeps one title), blank columns and blank rows, a 合计/总计/小计 row, and notes under the
table (填表人、审核人、注：、说明 …). ``build_table`` keeps the data rows with their Excel row numbers and
lists every row it leaves out (but blank ones) with the reason, for the screen. A csv has no merged
cells: an upper header cell left blank over a named lower cell continues the group on its left.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from ...errors import UserError
from .base import Cell, Column, Field
from .reader import Grid
from .values import cell_text

HEADER_SCAN = 30  # rows looked at for the header
MAX_HEADER_ROWS = 3
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "累计", "总合计", "总数")
NOTE_START = re.compile(
    r"^(?:(?:填表|填报|制表|统计|审核|审批|复核|经办|单位负责|负责|分管领导|主管领导|联系)人?"
    r"|(?:填表|填报|制表|报送|统计)(?:日期|时间|单位)|(?:填报)?单位[(（]?(?:盖章|公章)[)）]?|签字|签名|盖章)"
    r"(?:\s*[:：]|\s*$|\s+)"
    r"|^(?:注|备注|说明|附注|注意|填表说明)\s*(?:[:：]|$|\d|[一二三四五六七八九十][、.．]|[(（])")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
_DATA_TEXT = re.compile(r"[\d\s\-./年月日:：Xx*]{6,}")


@dataclass(frozen=True)
class Table:
    sheet: str
    columns: tuple[Column, ...]  # the columns with a title or any value (blank ones left out)
    header_rows: tuple[int, ...]  # Excel row numbers of the header
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]  # (Excel row number, cells by Column.index): data rows only
    left_out: tuple[tuple[int, str], ...]  # (Excel row number, why) of rows not taken: 合计, notes, repeated headers

    def column_by_letter(self, letter: str) -> int | None:
        """The position in ``columns`` of the column with this letter, or None."""
        wanted = letter.strip().upper()
        for position, column in enumerate(self.columns):
            if column.letter == wanted:
                return position
        return None


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    text = ""
    n = index + 1
    while n > 0:
        n, rest = divmod(n - 1, 26)
        text = chr(65 + rest) + text
    return text


def normalize_title(text: str) -> str:
    """A header title as compared with synonyms: NFKC (（）→()), no spaces or line breaks, no required-marks."""
    clean = unicodedata.normalize("NFKC", text or "")
    clean = _SPACES.sub("", clean).replace("*", "").replace("※", "")
    return clean.rstrip(":：").lower()


def title_score(title: str, field: Field) -> int:
    """How well a column title names a field: 3 the title or a synonym exactly, 2 the last part of a
    two-row title (“联系方式/手机”) exactly, 1 another part exactly or a synonym within the title, 0 none."""
    norm = normalize_title(title)
    if not norm:
        return 0
    names = [normalize_title(name) for name in (field.title, *field.synonyms)]
    names = [name for name in names if name]
    if norm in names:
        return 3
    parts = [normalize_title(part) for part in title.split("/")]
    if len(parts) > 1:
        if parts[-1] in names:
            return 2
        if any(part in names for part in parts[:-1]):
            return 1
    if any(len(name) >= 2 and name in norm for name in names):
        return 1
    return 0


def suggest_header_row(grid: Grid, fields: Sequence[Field]) -> int:
    """The Excel row number (1-based) of the header (its upper row when it has two): the row whose titles
    name most fields; without any, the first row of several texts that is not data. 1 for an empty sheet."""
    best_row, best_score = 0, 0
    limit = min(len(grid.rows), HEADER_SCAN)
    lower_of_previous = False
    for index in range(limit):
        if _filled(grid.rows[index]) < 2 or lower_of_previous:
            lower_of_previous = False
            continue
        depth = _header_depth(grid, index)
        lower_of_previous = depth == 2
        titles = _titles(grid, index, depth)
        score = sum(max((title_score(title, f) for title in titles), default=0) for f in fields)
        if score > best_score:
            best_row, best_score = index, score
    if best_score > 0:
        return best_row + 1
    widest = max((_filled(grid.rows[i]) for i in range(limit)), default=0)
    for index in range(limit):
        row = grid.rows[index]
        if _filled(row) >= max(2, widest // 2) and not any(_data_like(cell) for cell in row):
            return index + 1
    return 1


def build_table(grid: Grid, header_row: int, header_rows: int | None = None) -> Table:
    """The table under ``header_row`` (Excel row number); ``header_rows`` None: one or two, detected."""
    top = header_row - 1
    if top < 0 or top >= len(grid.rows):
        raise UserError(f"表头行应在第 1 到第 {max(len(grid.rows), 1)} 行之间（工作表“{grid.sheet}”）。", field="表头行")
    depth = header_rows if header_rows is not None else _header_depth(grid, top)
    if depth < 1 or depth > MAX_HEADER_ROWS or top + depth > len(grid.rows):
        raise UserError(f"表头行数应为 1 到 {MAX_HEADER_ROWS} 行，且不超出工作表。", field="表头行数")
    titles = _titles(grid, top, depth)
    header_norms = [normalize_title(t.split("/")[-1]) for t in titles]
    header_set = {norm for norm in header_norms if norm}
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    left_out: list[tuple[int, str]] = []
    used = [bool(title) for title in titles]
    unused = {j for j, flag in enumerate(used) if not flag}
    after_notes = False
    for index in range(top + depth, len(grid.rows)):
        row = grid.rows[index]
        number = index + 1
        heads = _first_texts(row, 3)
        if not heads:
            continue
        reason = ""
        if after_notes or NOTE_START.match(heads[0]):
            after_notes = True
            reason = "表格下方的备注、签名等文字"
        elif any(_SPACES.sub("", text).startswith(TOTAL_WORDS) for text in heads):
            reason = "合计（小计）行"
        elif normalize_title(heads[0]) in header_set and _repeats_header(row, header_norms):
            reason = "重复的表头行"
        elif len(heads) == 1 and len(titles) >= 4 and len(heads[0]) >= 20 and isinstance(_first(row), str):
            reason = "只有一段文字的说明行"
        if reason:
            left_out.append((number, reason))
            continue
        if len(row) > len(used):
            new = range(len(used), len(row))
            used.extend([False] * len(new))
            unused.update(new)
        if unused:
            for j in [j for j in unused if j < len(row) and row[j] is not None and cell_text(row[j])]:
                used[j] = True
                unused.discard(j)
        rows.append((number, tuple(row)))
    while len(titles) < len(used):
        titles.append("")
    columns = tuple(Column(j, column_letter(j), titles[j]) for j in range(len(used)) if used[j])
    width = columns[-1].index + 1 if columns else 0
    padded = tuple((number, _fit(cells, width)) for number, cells in rows)
    return Table(grid.sheet, columns, tuple(range(header_row, header_row + depth)), padded, tuple(left_out))


def _first_texts(row: list[Cell], count: int) -> list[str]:
    """The texts of the first ``count`` non-empty cells of a row (fewer when the row has fewer)."""
    found: list[str] = []
    for cell in row:
        if cell is None:
            continue
        text = cell_text(cell)
        if text:
            found.append(text)
            if len(found) == count:
                break
    return found


def preview(grid: Grid, count: int = 12) -> list[list[str]]:
    """The first rows as read, as text, all of the same width (the widest of them)."""
    shown = [[cell_text(cell) for cell in row] for row in grid.rows[:count]]
    width = 0
    for row in shown:
        for j in range(len(row) - 1, -1, -1):
            if row[j]:
                width = max(width, j + 1)
                break
    return [(row + [""] * width)[:width] for row in shown]


# ---------------------------------------------------------------------------------------------


def _fit(cells: tuple[Cell, ...], width: int) -> tuple[Cell, ...]:
    if len(cells) == width:
        return cells
    if len(cells) > width:
        return cells[:width]
    return cells + (None,) * (width - len(cells))


def _first(row: list[Cell]) -> Cell:
    for cell in row:
        if cell is not None and cell_text(cell):
            return cell
    return None


def _filled(row: list[Cell]) -> int:
    return sum(1 for cell in row if cell is not None and cell_text(cell))


def _data_like(cell: Cell) -> bool:
    """A value rather than a title: a number, a date, a truth value, or a text of digits (an ID number)."""
    if cell is None:
        return False
    if isinstance(cell, bool | int | float | date | datetime | time):
        return True
    return bool(_DATA_TEXT.fullmatch(cell_text(cell)))


def _clean_title(text: str) -> str:
    single = _SPACES.sub(" ", text).strip()
    return _CJK_GAP.sub("", single)


def _merged_at(grid: Grid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Each cell of the header area covered by a merged range → the range (only ranges near the top)."""
    covered: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for r0, c0, r1, c1 in grid.merged:
        if r0 > HEADER_SCAN + MAX_HEADER_ROWS or (r1 - r0 + 1) * (c1 - c0 + 1) > 20_000:
            continue
        for r in range(r0, min(r1, HEADER_SCAN + MAX_HEADER_ROWS) + 1):
            for c in range(c0, c1 + 1):
                covered[(r, c)] = (r0, c0, r1, c1)
    return covered


def _cell(grid: Grid, r: int, c: int) -> Cell:
    if r >= len(grid.rows):
        return None
    row = grid.rows[r]
    return row[c] if c < len(row) else None


def _header_depth(grid: Grid, top: int) -> int:
    """1 or 2: two when the row under ``top`` completes it (merged group cells above, or the csv pattern)."""
    below = top + 1
    if below >= len(grid.rows) or _filled(grid.rows[top]) < 2:
        return 1
    lower = grid.rows[below]
    if _filled(lower) == 0 or any(_data_like(cell) for cell in lower):
        return 1
    lower_texts = [cell_text(cell) for cell in lower]
    if NOTE_START.match(next((t for t in lower_texts if t), "")):
        return 1
    for r0, c0, r1, c1 in grid.merged:
        if r0 == top and r1 >= below:  # a title merged down both rows
            return 2
        if r0 == top == r1 and c1 > c0 and any(cell_text(_cell(grid, below, c)) for c in range(c0, c1 + 1)):
            return 2
    upper_texts = [cell_text(cell) for cell in grid.rows[top]]
    width = max(len(upper_texts), len(lower_texts))
    upper_texts += [""] * (width - len(upper_texts))
    lower_texts += [""] * (width - len(lower_texts))
    over_blank = any(u and not lo for u, lo in zip(upper_texts, lower_texts, strict=True))
    under_blank = any(lo and not u for u, lo in zip(upper_texts, lower_texts, strict=True))
    if not grid.merged and over_blank and under_blank:
        return 2
    return 1


def _titles(grid: Grid, top: int, depth: int) -> list[str]:
    covered = _merged_at(grid)
    rows = [grid.rows[r] if r < len(grid.rows) else [] for r in range(top, top + depth)]
    width = max((len(row) for row in rows), default=0)
    parts_by_column: list[list[str]] = []
    for c in range(width):
        parts: list[str] = []
        for k in range(depth):
            r = top + k
            span = covered.get((r, c))
            if span is not None:
                text = cell_text(_cell(grid, span[0], span[1]))
            else:
                text = cell_text(_cell(grid, r, c))
                if not text and not grid.merged and k < depth - 1 and c > 0:
                    text = _carried(grid, r, c, top + depth - 1)
            text = _clean_title(text)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        parts_by_column.append(parts)
    return ["/".join(parts) for parts in parts_by_column]


def _carried(grid: Grid, r: int, c: int, last: int) -> str:
    """A csv's blank upper cell over a named lower cell continues the group on its left."""
    if not cell_text(_cell(grid, last, c)):
        return ""
    left = c - 1
    while left >= 0 and not cell_text(_cell(grid, r, left)):
        if not cell_text(_cell(grid, last, left)):
            return ""
        left -= 1
    if left < 0 or not cell_text(_cell(grid, last, left)):
        return ""
    return cell_text(_cell(grid, r, left))


def _repeats_header(row: list[Cell], header_norms: list[str]) -> bool:
    named = [(j, norm) for j, norm in enumerate(header_norms) if norm]
    if len(named) < 2:
        return False
    same = sum(1 for j, norm in named if j < len(row) and normalize_title(cell_text(row[j])) == norm)
    return same * 5 >= len(named) * 3
