"""The ruled tables of every PDF: one grid colour, one shade for the header row (or label column), one
padding. A module with a table of its own shape adds its commands after ``ruled()`` (later ones win)."""

from __future__ import annotations

from reportlab.lib import colors

GRID = colors.HexColor("#808080")
SHADE = colors.HexColor("#e8edf3")


def padding(top: float = 2, bottom: float = 3, sides: float | None = 3) -> list:
    """Cell padding commands; ``sides=None`` keeps reportlab's own left and right padding."""
    commands: list = [("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom)]
    if sides is not None:
        commands += [("LEFTPADDING", (0, 0), (-1, -1), sides), ("RIGHTPADDING", (0, 0), (-1, -1), sides)]
    return commands


def ruled(label_column: bool = False, pad: list | None = None) -> list:
    """Style commands of a ruled table: the grid, the first row shaded (the first column with
    ``label_column``), cells centred vertically, ``pad`` (default ``padding()``)."""
    shaded_corner = (0, -1) if label_column else (-1, 0)
    return [("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), shaded_corner, SHADE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *(padding() if pad is None else pad)]
