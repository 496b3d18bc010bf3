"""``main``: parse the arguments, configure logging (only here), run the command, map errors to exit codes.

Exit codes: 0 success, 1 a quality gate failed, 2 bad input or usage (a one-line message on standard error,
never a traceback).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from ..exceptions import ActivityClassifierError, QualityGateError
from ._parser import build_parser
from ._support import EXIT_GATE, EXIT_USAGE, finish_stdout, silence_stdout

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # for the reproducibility record
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(levelname)s: %(message)s",
    )
    try:
        return finish_stdout(int(args.func(args)))
    except BrokenPipeError:
        # The reader of standard output went away (``predict - | head``): that is not an error. Point
        # stdout at devnull so the interpreter's final flush does not fail again (Python docs, "Note on
        # SIGPIPE").
        silence_stdout()
        return 0
    except QualityGateError as exc:
        print(f"activity-classifier: quality gate failed: {exc}", file=sys.stderr)
        return finish_stdout(EXIT_GATE, reported=True)
    except ActivityClassifierError as exc:
        print(f"activity-classifier: error: {exc}", file=sys.stderr)
        return finish_stdout(EXIT_USAGE, reported=True)
    except OSError as exc:
        # Anything the file system refused that a command did not name itself: still one line.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"activity-classifier: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return finish_stdout(EXIT_USAGE, reported=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        print("activity-classifier: interrupted", file=sys.stderr)
        return 130
