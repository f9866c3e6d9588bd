"""libcst transforms that rewrite cells and module code, one transform per module."""
