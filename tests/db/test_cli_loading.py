"""What the command line loads while the integrity check runs (issue 16, ``cli._load_while_checking``):
the collector is held off during the loading and on again after it, with what was loaded frozen; a
caller's choice to keep it off is kept; ``report`` loads what its export imports and parses the body
font only. A fresh process each time
(freezing and font registration are for the whole process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(script: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_report_loading_leaves_the_collector_on_and_the_loaded_code_frozen(tmp_path):
    seen = _run(f"""
        import gc
        import sys
        from pathlib import Path
        from reportlab.pdfbase import pdfmetrics
        from shuanbai_desktop import cli
        from shuanbai_desktop.data.db import Database
        db = Database(Path({str(tmp_path / "station.db")!r}))
        before = gc.get_freeze_count()
        cli._load_while_checking(db, "report")
        print(gc.isenabled(), before, gc.get_freeze_count() > 50_000)
        print(",".join(sorted(n for n in pdfmetrics.getRegisteredFontNames() if n.startswith("CJK"))))
        print(all(m in sys.modules for m in ("openpyxl", "reportlab.platypus", "shuanbai_desktop.exports.report_pdf",
                                             "shuanbai_desktop.services.staff.figures")))
        db.close()
    """)
    assert seen == ["True", "0", "True", "CJK", "True"]


def test_a_collector_turned_off_by_the_caller_stays_off(tmp_path):
    seen = _run(f"""
        import gc
        from pathlib import Path
        from shuanbai_desktop import cli
        from shuanbai_desktop.data.db import Database
        gc.disable()
        db = Database(Path({str(tmp_path / "station.db")!r}))
        cli._load_while_checking(db, "ledger")
        print(gc.isenabled(), gc.get_freeze_count())
        db.close()
    """)
    assert seen == ["False", "0"]
