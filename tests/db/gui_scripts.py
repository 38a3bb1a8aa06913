"""Pieces of the scripts GUI tests run in a process of their own (``python -c``)."""

from __future__ import annotations

import textwrap

# The log-in window, once open, is filled in as the administrator (password: argv[2]) and 登录 pressed.
AUTO_LOG_IN = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from shuanbai_desktop.ui import login_dialog
    real = login_dialog.LoginDialog.open
    def opened(self):
        real(self)
        def log_in():
            self.username.setText("admin")
            self.password.setText(sys.argv[2])
            self.login_button.click()
        QTimer.singleShot(0, log_in)
    login_dialog.LoginDialog.open = opened
""")

# Then the program's own start (``--db`` argv[1], ``--smoke-test``) and its exit code.
SMOKE_START = textwrap.dedent("""
    from shuanbai_desktop.cli import run
    sys.exit(run(["--db", sys.argv[1], "--smoke-test"]))
""")
