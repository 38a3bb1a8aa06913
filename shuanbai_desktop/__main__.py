"""Entry point: ``shuanbai-desktop`` / ``python -m shuanbai_desktop``."""

from __future__ import annotations

import sys


def main() -> int:
    from .cli import run
    from .logging_setup import setup_logging
    setup_logging()
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
