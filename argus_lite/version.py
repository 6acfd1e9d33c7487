"""The version of argus_lite, shown by GET /api/ (A-9) and the package metadata."""
__version__ = "0.1.0"
