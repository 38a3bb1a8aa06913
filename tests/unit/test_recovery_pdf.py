"""数据恢复码 PDF: one A4 page with the station, the date, the code in two rows and how to keep it; owner-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from shuanbai_desktop.exports.recovery_pdf import LOST_FOR_GOOD, code_rows, write_recovery_pdf
from tests import shots

CODE = "7K3QX-WWWWW-MMMMM-0J1JA-Z9Y8X-ABCDE-FGHJK-MNPQR"
STATION = "桥东街道社会工作服务站"
MADE = datetime(2025, 3, 5, 14, 30)
A4 = (595.3, 841.9)


def _read(pdf: Path) -> tuple[str, list[tuple[float, float]]]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        sizes = [tuple(round(v, 1) for v in doc[i].get_size()) for i in range(len(doc))]
        text = doc[0].get_textpage().get_text_range().replace("\r", "")
        return text, sizes
    finally:
        doc.close()


def _bare(text: str) -> str:
    """The text without white space and dashes: the code set in cells reads back as spaced characters."""
    return "".join(text.split()).replace("-", "")


def test_one_a4_page_with_station_date_code_and_the_warning(tmp_path):
    pdf = tmp_path / "数据恢复码.pdf"
    write_recovery_pdf(pdf, STATION, CODE, MADE)
    text, sizes = _read(pdf)
    assert sizes == [A4]
    assert STATION in text and "数据恢复码" in text
    assert "2025年3月5日 14:30" in text
    assert CODE.replace("-", "") in _bare(text)
    assert LOST_FOR_GOOD in text
    for words in ("保险柜", "不要拍照", "立即失效"):
        assert words in text
    if shutil.which("pdftoppm"):  # for a person to look at
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf), str(shots.folder() / "recovery-pdf")],
                       check=True)


def test_the_code_reads_back_in_two_rows_of_four_groups(tmp_path):
    pdf = tmp_path / "r.pdf"
    write_recovery_pdf(pdf, STATION, CODE, MADE)
    lines = [_bare(line) for line in _read(pdf)[0].split("\n")]
    assert "7K3QXWWWWWMMMMM0J1JA" in lines and "Z9Y8XABCDEFGHJKMNPQR" in lines


def test_code_rows_ignore_dashes_and_spaces():
    assert code_rows(" ab-cd  ef-gh ") == (("ab", "cd"), ("ef", "gh"))
    first, second = code_rows(CODE)
    assert first == ("7K3QX", "WWWWW", "MMMMM", "0J1JA") and len(second) == 4


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_written_for_the_owner_only_even_over_an_older_readable_file(tmp_path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"old")
    os.chmod(pdf, 0o644)
    write_recovery_pdf(pdf, STATION, CODE, MADE)
    assert pdf.stat().st_mode & 0o777 == 0o600
    assert pdf.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]  # no .tmp left beside it


def test_a_rare_character_in_the_station_name_is_printed(tmp_path):
    pdf = tmp_path / "r.pdf"
    write_recovery_pdf(pdf, "𠮷村社会工作服务站", CODE, MADE)
    assert "𠮷村社会工作服务站" in _read(pdf)[0]
