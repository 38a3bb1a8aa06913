"""The Qt binding itself: a slot call must not leak or steal references (PySide6 6.12.0 stole one
from None/True per call, and the process aborted with “bool_dealloc” after a few thousand clicks)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    app = QCoreApplication([])

    class Sender(QObject):
        fired = Signal()
        toggled = Signal(bool)

        def on_fired(self):
            return None

        def on_toggled(self, value):
            return value

    sender = Sender()
    sender.fired.connect(sender.on_fired)
    sender.toggled.connect(sender.on_toggled)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(5000):
        sender.fired.emit()
        sender.toggled.emit(True)
    after = sys.getrefcount(None), sys.getrefcount(True)
    print(after[0] - before[0], after[1] - before[1])
""")


def test_slot_calls_keep_reference_counts():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    none_delta, true_delta = (int(v) for v in done.stdout.split())
    assert abs(none_delta) < 50 and abs(true_delta) < 50, done.stdout
