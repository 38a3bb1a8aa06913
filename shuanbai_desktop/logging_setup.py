"""A rotating log file in the user log folder. ID numbers never go into a log line."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from . import paths
from .domain.idcard import mask_id_number

# 17 digits and a check character, or 15 digits, standing alone: masked if any slip through.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")


class MaskIdNumbers(logging.Filter):
    """Last line of defence: masks anything shaped like an ID number in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ID_LIKE.sub(lambda m: mask_id_number(m.group()), message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def setup_logging(level: int = logging.INFO) -> Path:
    folder = paths.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    log_file = folder / "shuanbai.log"
    root = logging.getLogger()
    if any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        return log_file
    handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskIdNumbers())
    root.addHandler(handler)
    root.setLevel(level)
    return log_file
