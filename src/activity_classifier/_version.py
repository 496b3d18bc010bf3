"""The package version, read from the installed metadata (declared once, in pyproject.toml)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("activity-classifier")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"
