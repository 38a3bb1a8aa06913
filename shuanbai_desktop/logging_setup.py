"""A rotating log file in the user log folder, readable by its owner only.

No full ID number or phone number goes into a log line: ``MaskPersonalData`` sits on every
handler of the root logger (and on Python's last-resort stderr handler) as the last guard. It
masks the message, the formatted traceback and the stack, not only ``record.msg``: the text of a
database error (a statement's parameters) or an exception message is where personal data hides.
Free text (names, case notes) cannot be recognised by shape; it is kept out by not logging values
(the engine hides statement parameters).
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from . import paths
from .domain.redact import redact_text

LOG_NAME = "shuanbai.log"
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


class MaskPersonalData(logging.Filter):
    """Masks ID numbers, mobiles and landlines in a record's message, traceback and stack."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked, instead of the args dump
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact_text(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every file it opens (the log and each new one after a rotation) is created 0600 on POSIX."""

    def _open(self):
        if os.name == "posix":
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
            os.close(fd)
            os.chmod(self.baseFilename, PRIVATE_FILE)
        return super()._open()


def make_private(folder: Path) -> None:
    """The log folder and the log files already in it: owner only (POSIX; on Windows the folder is
    in the user's profile, which other users cannot read)."""
    if os.name != "posix":
        return
    os.chmod(folder, PRIVATE_FOLDER)
    for file in folder.glob(LOG_NAME + "*"):
        if file.is_file():
            os.chmod(file, PRIVATE_FILE)


def guard_all_handlers(root: logging.Logger | None = None) -> None:
    """Put the masking filter on every handler of the root logger and on the last-resort handler."""
    root = root or logging.getLogger()
    handlers = [*root.handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())


def setup_logging(level: int = logging.INFO) -> Path:
    folder = paths.log_dir()
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    make_private(folder)
    log_file = folder / LOG_NAME
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        handler = PrivateRotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(level)
    guard_all_handlers(root)
    return log_file
