"""A rotating log file in the user log folder. ID numbers never go into a log line."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from . import paths
from .domain.idcard import mask_ids_in_text


class MaskIdNumbers(logging.Filter):
    """Last line of defence: masks anything shaped like an ID number in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_ids_in_text(message)
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
