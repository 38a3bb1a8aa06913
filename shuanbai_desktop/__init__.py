"""乡镇(街道)社工站桌面工作平台。

The one importable package. Layers: ``domain`` (pure rules), ``data`` (SQLAlchemy
models, engine, migrations), ``services`` (use cases, no Qt), ``exports`` (PDF and
Excel writers) and ``ui`` (the only place that imports Qt widgets).
"""

__version__ = "0.1.0"
APP_NAME = "社工站工作平台"
APP_ID = "shuanbai-desktop"
