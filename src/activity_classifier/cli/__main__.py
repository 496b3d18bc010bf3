"""``python -m activity_classifier.cli``: the same as the ``activity-classifier`` command."""

import sys

from ._main import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
