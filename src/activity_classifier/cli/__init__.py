"""Command-line interface: ``activity-classifier``.

This is the only part of the package that configures logging. Every command is a module of its own
(``_train``, ``_predict``, ``_evaluate``, ``_agreement``, ``_taxonomy``, ``_prelabel``, ``_import_reviewed``);
``--help`` and ``taxonomy`` import neither spaCy, scikit-learn nor pandas.

Exit codes: 0 success, 1 a quality gate failed, 2 bad input or usage (a one-line message on standard
error, never a traceback).
"""

from ._main import main
from ._parser import build_parser

__all__ = ["build_parser", "main"]
