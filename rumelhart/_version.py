"""The package version, read by setuptools and written into pickles."""

__version__ = "0.2.0"
