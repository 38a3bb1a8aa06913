"""导入数据: the station's existing Excel/WPS/CSV ledgers brought into the registry (issue 13).
See ``base.py`` for the flow and docs/import.md for the decisions."""
