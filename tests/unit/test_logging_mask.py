"""No full ID number or phone reaches a log line: message, arguments, traceback, stack; every handler."""

from __future__ import annotations

import io
import logging
import os
import stat
import sys

import pytest

from shuanbai_desktop import logging_setup, paths
from shuanbai_desktop.domain.redact import redact_text
from shuanbai_desktop.logging_setup import MaskPersonalData


def _format(message, *args):
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    MaskPersonalData().filter(record)
    return record.getMessage()


def test_id_numbers_masked_in_messages_and_arguments():
    assert "440524188001010014" not in _format("saved %s", "440524188001010014")
    assert _format("id 11010519491231002X ok") == "id 110105********002X ok"
    assert _format("old id 440524800101001") == "old id 440524*****1001"
    assert "440524188001010014" not in _format("glued ID440524188001010014x")


@pytest.mark.parametrize(("text", "masked"), [
    ("phone 13912345678", "phone 139****5678"),
    ("('张三', '13912345678')", "('张三', '139****5678')"),
    ("手机13912345678。", "手机139****5678。"),
    ("+86 139 1234 5678", "139****5678"),
    ("tel 0752-2808727", "tel 0752-****727"),
    ("tel 020-87654321", "tel 020-****321"),
    ("tel (0752)2808727", "tel (0752)-****727"),
    ("tel 07522808727", "tel 0752-****727"),
])
def test_phones_masked(text, masked):
    assert _format(text).endswith(masked)


@pytest.mark.parametrize("text", [
    "backup 20261128 size 122880 bytes", "2026-03-02 09:00:00,123 INFO x: ok", "took 105.3 ms, 27 rows",
    "audit entry 1234567 hash 3f2a", "version 0.12.3",
])
def test_other_numbers_left_alone(text):
    assert _format(text) == text


def test_traceback_and_stack_are_masked_not_only_the_message():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("tests.mask")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("could not save 440524188001010014 / 13912345678")
        except ValueError:
            logger.exception("failed", stack_info=True)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "ValueError: could not save 440524********0014 / 139****5678" in text
    assert "440524188001010014" not in text and "13912345678" not in text


def test_a_bad_format_string_does_not_dump_its_arguments_unmasked(capsys):
    text = _format("saved %d", "440524188001010014")
    assert "440524188001010014" not in text and "440524********0014" in text


@pytest.fixture
def clean_root(monkeypatch):
    """setup_logging on an empty root logger; its handlers are closed afterwards."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(logging, "lastResort", logging.StreamHandler(io.StringIO()))
    yield root
    for handler in root.handlers:
        handler.close()


def test_every_handler_gets_the_filter_including_the_console(clean_root):
    console = logging.StreamHandler(sys.stderr)
    clean_root.addHandler(console)
    logging_setup.setup_logging()
    files = [h for h in clean_root.handlers if isinstance(h, logging_setup.PrivateRotatingFileHandler)]
    assert len(files) == 1 and console in clean_root.handlers
    for handler in (*clean_root.handlers, logging.lastResort):  # pytest's own capture handlers too
        assert any(isinstance(f, MaskPersonalData) for f in handler.filters)
    logging_setup.setup_logging()  # twice: one file handler, one filter each
    assert len([h for h in clean_root.handlers if isinstance(h, logging.FileHandler)]) == 1
    assert len(console.filters) == 1


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_log_file_and_folder_are_private_also_after_rotation_and_for_old_files(clean_root):
    folder = paths.log_dir()
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    old = folder / "shuanbai.log.1"
    old.write_text("before the fix\n", encoding="utf-8")
    os.chmod(old, 0o644)
    log_file = logging_setup.setup_logging()
    logging.getLogger("tests.mask").warning("hello %s", "13912345678")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    handler = next(h for h in clean_root.handlers if isinstance(h, logging_setup.PrivateRotatingFileHandler))
    handler.doRollover()
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert "13912345678" not in (folder / "shuanbai.log.1").read_text(encoding="utf-8")


def test_redact_text_is_the_crash_dialogs_mask_too():
    from shuanbai_desktop.ui.crash_dialog import details_text
    try:
        raise RuntimeError("13912345678 440524188001010014")
    except RuntimeError as exc:
        text = details_text(type(exc), exc, exc.__traceback__)
    assert redact_text("13912345678") in text and "13912345678" not in text
