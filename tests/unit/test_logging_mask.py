"""No full ID number reaches the log file."""

from __future__ import annotations

import logging

from shuanbai_desktop.logging_setup import MaskIdNumbers


def _format(message, *args):
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    MaskIdNumbers().filter(record)
    return record.getMessage()


def test_id_numbers_masked_in_messages_and_arguments():
    assert "440524188001010014" not in _format("saved %s", "440524188001010014")
    assert _format("id 11010519491231002X ok") == "id 110105********002X ok"


def test_other_numbers_left_alone():
    assert _format("backup 20261128 size 122880 bytes") == "backup 20261128 size 122880 bytes"
