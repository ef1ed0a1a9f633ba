"""The course package's version (used by the command line and the pre-check's User-Agent)."""

__version__ = "0.1.0"
