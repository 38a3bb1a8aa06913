"""The manifest beside the report files: who, which month, which layout, and each file's SHA-256.

The county side (``county.py``) trusts a package only when every listed file is present
with its hash and the workbook's cells carry the figures the manifest lists.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from ... import __version__
from ...data.files import sha256_file
from ...data.migrate import head_revisions
from .layout import FORMAT_NAME, LAYOUT_VERSION, ReportFigures, json_value

MANIFEST_NAME = "manifest.json"


def file_entry(path: Path, role: str) -> dict:
    return {"name": path.name, "role": role, "sha256": sha256_file(path), "size": path.stat().st_size}


def build(figures: ReportFigures, version: int, files: list[dict], cells: dict[str, str],
          checks: dict[str, int], generated_at: str) -> dict:
    return {
        "format": FORMAT_NAME,
        "layout_version": LAYOUT_VERSION,
        "station": asdict(figures.station),
        "month": figures.month_key,
        "version": version,
        "app_version": __version__,
        "schema_version": "+".join(sorted(head_revisions())),
        "generated_at": generated_at,
        "checks": checks,
        "left_out": list(figures.left_out),
        "files": files,
        "figures": [{"key": r.key, "label": r.label, "unit": r.unit, "value": json_value(r.value),
                     "cell": cells.get(r.key, ""), "agg": r.agg, "family": g.family}
                    for s in figures.sheets for g in s.groups for r in g.rows],
    }


def write(manifest: dict, folder: Path) -> Path:
    target = folder / MANIFEST_NAME
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target
