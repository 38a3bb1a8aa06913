"""A password (or a recovery code) given to the command line in a file: read without loading the database
layer, so that the command line can unlock an encrypted station and start its integrity check at once
(issue 16: the check is the longest part of ``report --month``)."""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import UserError

PASSWORD_FILE_MAX = 64 * 1024


def read_password_file(path: Path | str, field: str = "--password-file") -> str:
    """The password on the first line of a text file, as Windows Notepad or any editor saves it.

    UTF-8 with or without a byte-order mark, or UTF-16 with one (Notepad's "Unicode"); the line
    ending (LF or CR LF) is not part of the password; spaces are.
    """
    refusal = UserError(f"无法读取密码文件“{path}”（应为 UTF-8 文本，第一行是密码）。", field=field)
    try:
        file = Path(path)
        if file.stat().st_size > PASSWORD_FILE_MAX:
            raise refusal
        raw = file.read_bytes()
    except OSError:
        raise refusal from None
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise refusal from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise UserError(f"密码文件“{path}”的第一行是空的，请把密码写在第一行。", field=field)
    return lines[0]
