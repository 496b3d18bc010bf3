"""Writing the three report files atomically, and ``metrics.json`` as strict JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..._json import json_safe
from .._results import EvaluationResult
from ._figures import _figure_svg
from ._html import render_html
from ._layout import figure_keys
from ._markdown import render_markdown

__all__ = ["to_json", "write_report"]

logger = logging.getLogger(__name__)


def to_json(metrics: Mapping[str, Any]) -> str:
    """Serialise metrics as strict JSON: indented, UTF-8 text kept readable, NaN written as null.

    Examples
    --------
    >>> print(to_json({"accuracy": float("nan"), "type": "conférence"}))
    {
      "accuracy": null,
      "type": "conférence"
    }
    """
    return json.dumps(json_safe(metrics), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_report(metrics: EvaluationResult | Mapping[str, Any], directory: str | Path) -> Path:
    """Write ``metrics.json``, ``report.md``, ``report.html`` and each figure as ``figure_<name>.svg``.

    All three are rendered before anything is written, and each file is replaced atomically (written to a
    temporary file in ``directory``, then renamed), so a failure never leaves a half-written file.

    Parameters
    ----------
    metrics : EvaluationResult or dict
        The result of :func:`~activity_classifier.evaluation.evaluate_cv` or
        :func:`~activity_classifier.evaluation.evaluate_test`, or a ``metrics.json`` dict read back.
    directory : str or Path
        Output folder; created if needed. Existing report files in it are replaced.

    Returns
    -------
    Path
        The folder.
    """
    from ...tables import atomic_write

    if isinstance(metrics, EvaluationResult):
        metrics = metrics.to_dict()
    dest = Path(directory)
    contents = {
        "metrics.json": to_json(metrics).encode("utf-8"),
        "report.md": render_markdown(metrics).encode("utf-8"),
        "report.html": render_html(metrics).encode("utf-8"),
    }
    # The figures also as SVG files beside the HTML (for a paper: vector graphics, editable text).
    for key in figure_keys(metrics):
        contents[f"figure_{key}.svg"] = _figure_svg(metrics, key)
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        atomic_write(dest / name, _writer(data))
    logger.info("wrote evaluation report to %s", dest)
    return dest


def _writer(data: bytes) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write
