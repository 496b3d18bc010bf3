"""Turning nested results into what strict JSON can hold (one helper for metrics and model metadata)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["json_safe"]


def json_safe(value: Any) -> Any:
    """Return ``value`` with mappings as dicts, tuples as lists, NaN as None and NumPy values as Python.

    Anything else that JSON cannot hold (a path, a custom object) becomes its ``str``.

    Examples
    --------
    >>> json_safe({"f1": float("nan"), 1: ("a", 2.5)})
    {'f1': None, '1': ['a', 2.5]}
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str | int | bool) or value is None:
        return value
    if hasattr(value, "tolist"):
        return json_safe(value.tolist())
    return str(value)
