"""The shipped CJK fonts for reportlab, with glyph-by-glyph fallback for rare characters.

reportlab does not fall back between fonts by itself: text is split into runs by the
font that has each character, and runs the main font lacks (䶮 and other Ext-A
characters) are set in Droid Sans Fallback. Characters no shipped font has (Ext-B,
e.g. 𠮷) are looked up in fonts found on the system; failing that they print as a box.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .. import paths

log = logging.getLogger(__name__)
MAIN = "CJK"
FALLBACK = "CJKFallback"
SYSTEM_CANDIDATES = (
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/arphic-bkai00mp/bkai00mp.ttf",
    "C:/Windows/Fonts/simsunb.ttf",
    "C:/Windows/Fonts/mingliub.ttc",
)


def _register(name: str, path: Path, index: int = 0) -> bool:
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        return True
    except (TTFError, OSError) as exc:
        log.warning("font %s not usable: %s", path.name, exc)
        return False


@cache
def register_fonts() -> tuple[str, ...]:
    """Register the shipped fonts (and one system font for Ext-B if found); return the names in order."""
    fonts = paths.resources_dir() / "fonts"
    names = [n for n, f in ((MAIN, "wqy-microhei.ttc"), (FALLBACK, "DroidSansFallbackFull.ttf"))
             if _register(n, fonts / f)]
    for i, candidate in enumerate(SYSTEM_CANDIDATES):
        if Path(candidate).exists() and _register(f"CJKSystem{i}", Path(candidate)):
            names.append(f"CJKSystem{i}")
            break
    return tuple(names)


def _font_for(char: str, names: tuple[str, ...]) -> str:
    code = ord(char)
    for name in names:
        if code in pdfmetrics.getFont(name).face.charToGlyph:
            return name
    return names[0]


def runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, text) runs, each set in a font that has its glyphs."""
    names = register_fonts()
    out: list[tuple[str, str]] = []
    for char in text:
        font = names[0] if char.isspace() else _font_for(char, names)
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return out


def markup(text: str) -> str:
    """Paragraph markup for ``text``: escaped, with rare characters wrapped in their font."""
    return "".join(escape(run) if font == MAIN else f'<font name="{font}">{escape(run)}</font>'
                   for font, run in runs(text or ""))


def draw_string(canvas, x: float, y: float, text: str, size: float) -> float:
    """Draw ``text`` on a reportlab canvas with fallback fonts; returns the width drawn."""
    start = x
    for font, run in runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
    return x - start
