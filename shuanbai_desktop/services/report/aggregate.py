"""Combining figures: a year from its months (annual figures), a county from its towns (county merge).

Each row says how (``Row.agg``): flows are added up; stocks ("end") are the last month's value
in a year, and added up across towns; rates ("rate:a+b/c") are recomputed from the combined
parts, never averaged; texts are not combined; "month" figures (people counted once a month,
who may recur the next month) are added up across towns but have no yearly total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .layout import Value, percent


def rate_parts(agg: str) -> tuple[tuple[str, ...], str] | None:
    """"rate:a+b/c" → (("a", "b"), "c"); None for other rules."""
    if not agg.startswith("rate:"):
        return None
    num, den = agg[5:].split("/")
    return tuple(num.split("+")), den


def _sum(values: Sequence[Value]) -> Value:
    numbers = [v for v in values if v is not None and not isinstance(v, str)]
    if not numbers:
        return None
    total = sum(numbers[1:], numbers[0])
    return total.quantize(numbers[0]) if isinstance(total, Decimal) and isinstance(numbers[0], Decimal) else total


def _number(value: Value) -> int | float | Decimal:
    """A rate part's figure as a number; an empty figure counts as 0."""
    if value is None or isinstance(value, str):
        return 0
    return value


def combine(sources: Sequence[dict[str, Value]], rules: Sequence[tuple[str, str]], stocks: str) -> dict[str, Value]:
    """Combine ``sources`` (oldest first) key by key; ``stocks`` is "last" (a year) or "sum" (a county).

    A key absent from a source (that feature missing there) is skipped, not taken as zero;
    a key absent from every source stays absent.
    """
    out: dict[str, Value] = {}
    for key, agg in rules:
        present = [s[key] for s in sources if key in s]
        if not present or agg.startswith("rate:") or (agg == "month" and stocks == "last"):
            continue
        if agg == "text":
            out[key] = present[-1]
        elif agg == "end" and stocks == "last":
            out[key] = present[-1]
        else:
            out[key] = _sum(present)
    for key, agg in rules:
        parts = rate_parts(agg)
        if parts and any(key in s for s in sources):
            nums, den = parts
            if all(k in out for k in (*nums, den)):
                numerator = sum(_number(out[k]) for k in nums)
                out[key] = percent(numerator, _number(out[den]))
    return out
