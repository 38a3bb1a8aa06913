"""Garbage collection happens on the GUI thread's timer, not wherever an allocation triggers it."""

from __future__ import annotations

import gc

from shuanbai_desktop.ui.threads import install_gui_collector


def test_automatic_collection_off_and_timer_collects(qapp):
    collector = install_gui_collector(qapp)
    assert install_gui_collector(qapp) is collector
    assert not gc.isenabled()

    class Cycle:
        pass

    for _ in range(gc.get_threshold()[0] + 10):
        a, b = Cycle(), Cycle()
        a.other, b.other = b, a
    before = gc.get_count()[0]
    assert before > gc.get_threshold()[0]
    collector.check()
    assert gc.get_count()[0] < before


def test_automatic_collection_switched_back_on_is_switched_off_again(qapp):
    """Something in the process (a library, another test) turned automatic collection on again: the next
    install (every UI test's, the app's) turns it off, or a collection in a worker thread could free a
    closed window there (the intermittent crash of tests/ui/test_window_geometry.py)."""
    install_gui_collector(qapp)
    gc.enable()
    try:
        install_gui_collector(qapp)
        assert not gc.isenabled()
    finally:
        gc.disable()
