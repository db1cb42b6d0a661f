"""newsreader: a fast, safe terminal news reader with compare-sources."""

__version__ = "0.1.0"
