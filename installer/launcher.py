"""PyInstaller entry script for the bundle: the same ``main()`` as the ``shuanbai-desktop`` console script.

No command starts the GUI; ``init``/``demo``/``backup``/``restore``/``verify`` run the CLI.
(``shuanbai_desktop/__main__.py`` cannot be the entry script itself: it uses relative imports.)
"""

import sys

from shuanbai_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
