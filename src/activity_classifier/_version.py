"""The package version (declared here once; the build reads it from this file, see pyproject.toml)."""

__version__ = "0.1.0"
