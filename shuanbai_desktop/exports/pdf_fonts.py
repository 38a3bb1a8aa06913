"""The shipped CJK fonts for reportlab, with glyph-by-glyph fallback for rare characters.

reportlab does not fall back between fonts by itself: text is split into runs by the
font that has each character. In order: 文泉驿微米黑 (the body font), Droid Sans Fallback
(Ext-A, e.g. 䶮), 花园明朝B HanaMinB cut to Ext-B to Ext-F (all but 14 of their 60,000
characters, e.g. 𠮷 𬱖) and BabelStone Han cut to Ext-G and Ext-H (about 3,000 of 9,100, e.g. 𰻞). Only shipped fonts are used, so a PDF looks the same
on every computer. A character none of them has is not left out: ``MissingGlyph`` names it and the
text it stands in, and nothing is printed (resources/fonts/README.md).

reportlab 5.1 writes a ToUnicode entry of a character beyond U+FFFF as five hex digits, which
readers take for a wrong code point; ``_to_unicode_cmap`` writes it as a UTF-16 surrogate pair so
that search, copy and pdftotext give the real character.

Only the body font is parsed up front (``register_fonts``); each fallback font is parsed and registered
the first time a text has a character that the fonts before it lack (``_face``): a report or a list
in common characters never reads the 30 MB of HanaMinB (issue 16).
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from functools import cache
from html import escape as _html_escape
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .. import paths
from ..errors import UserError

log = logging.getLogger(__name__)
MAIN = "CJK"
FALLBACK = "CJKFallback"
EXT_BF = "CJKExtBF"
EXT_GH = "CJKExtGH"
SHIPPED = ((MAIN, "wqy-microhei.ttc"), (FALLBACK, "DroidSansFallbackFull.ttf"),
           (EXT_BF, "HanaMinB-extBF.ttf"), (EXT_GH, "BabelStoneHan-extG.ttf"))
#: Unicode blocks named in the message about a missing glyph.
BLOCKS = (("扩展 A 区", 0x3400, 0x4DBF), ("扩展 B 区", 0x20000, 0x2A6DF), ("扩展 C 区", 0x2A700, 0x2B73F),
          ("扩展 D 区", 0x2B740, 0x2B81F), ("扩展 E 区", 0x2B820, 0x2CEAF), ("扩展 F 区", 0x2CEB0, 0x2EBEF),
          ("扩展 I 区", 0x2EBF0, 0x2EE5F), ("兼容补充区", 0x2F800, 0x2FA1F), ("扩展 G 区", 0x30000, 0x3134F),
          ("扩展 H 区", 0x31350, 0x323AF))
CONTEXT_CHARS = 12


class MissingGlyph(UserError):
    """A character no shipped font can print: printing it would leave a gap in a name."""

    def __init__(self, char: str, text: str):
        code = ord(char)
        block = next((name for name, low, high in BLOCKS if low <= code <= high), "")
        where = _context(text, text.index(char))
        super().__init__(
            f"无法生成 PDF：“{char}”（U+{code:04X}{'，' + block if block else ''}）在随程序分发的字体中没有字形，"
            f"出现在“{where}”中。打印出来会缺字，因此没有生成。请核对该字是否录入正确；"
            "确为此字时，请手写补填或联系软件维护人员补充字体。")
        self.char = char
        self.text = text


def _context(text: str, index: int) -> str:
    if len(text) <= 2 * CONTEXT_CHARS:
        return text
    start = max(0, index - CONTEXT_CHARS)
    end = index + 1 + CONTEXT_CHARS
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap, with characters beyond the BMP as UTF-16 surrogate pairs."""
    entries = []
    for i, code in enumerate(subset):
        utf16 = chr(code).encode("utf-16-be", "surrogatepass").hex().upper()
        entries.append(f"<{i:02X}> <{utf16}>")
    placeholder = _REPORTLAB_CMAP(fontname, [0] * len(subset)).split("\n")
    first = placeholder.index(f"{len(subset)} beginbfchar") + 1
    return "\n".join(placeholder[:first] + entries + placeholder[first + len(subset):])


_REPORTLAB_CMAP = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def _register(name: str, path: Path, index: int = 0) -> bool:
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        return True
    except (TTFError, OSError) as exc:
        log.warning("font %s not usable: %s", path.name, exc)
        return False


_FACES: dict[str, ttfonts.TTFontFace | None] = {}  # font name → its parsed face (None: file not usable)
_LOADING = threading.Lock()  # the GUI's report page parses the body font in a background thread


def _face(name: str) -> ttfonts.TTFontFace | None:
    """The face of shipped font ``name``, parsed and registered with reportlab on first use (once)."""
    face = _FACES.get(name, False)
    if face is not False:
        return face
    with _LOADING:
        if name not in _FACES:
            path = paths.resources_dir() / "fonts" / dict(SHIPPED)[name]
            _FACES[name] = pdfmetrics.getFont(name).face if _register(name, path) else None
        return _FACES[name]


@cache
def register_fonts() -> tuple[str, ...]:
    """Register the body font; return the names of the shipped fonts in the order they are tried (the
    fallbacks are parsed when a text first needs one: ``runs``)."""
    _face(MAIN)
    return tuple(name for name, _ in SHIPPED)


def _needs_no_glyph(char: str) -> bool:
    """Variation selectors, joiners and other format characters: dropped, nothing to print."""
    return unicodedata.category(char) in ("Cf", "Cc") or 0xFE00 <= ord(char) <= 0xFE0F \
        or 0xE0100 <= ord(char) <= 0xE01EF


def _font_for(char: str, names: tuple[str, ...]) -> str | None:
    code = ord(char)
    for name in names:
        face = _face(name)
        if face is not None and code in face.charToGlyph:
            return name
    return None


def _escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities, for Paragraph markup (what xml.sax.saxutils.escape does,
    without importing urllib and http with it)."""
    return _html_escape(text, quote=False)


def runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, text) runs, each set in a font that has its glyphs.

    Raises ``MissingGlyph`` for a character no shipped font has.
    """
    names = register_fonts()
    out: list[tuple[str, str]] = []
    for char in text:
        if char.isspace():
            font = names[0]
        elif _needs_no_glyph(char):
            continue
        else:
            font = _font_for(char, names)
            if font is None:
                raise MissingGlyph(char, text)
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return out


def check_printable(text: str) -> None:
    """Raise ``MissingGlyph`` if ``text`` holds a character no shipped font can print."""
    runs(text)


def markup(text: str) -> str:
    """Paragraph markup for ``text``: escaped, with rare characters wrapped in their font."""
    return "".join(_escape(run) if font == MAIN else f'<font name="{font}">{_escape(run)}</font>'
                   for font, run in runs(text or ""))


def draw_string(canvas, x: float, y: float, text: str, size: float) -> float:
    """Draw ``text`` on a reportlab canvas with fallback fonts; returns the width drawn."""
    start = x
    for font, run in runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
    return x - start
