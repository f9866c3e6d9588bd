"""Proof that a refactoring changed nothing: run notebooks and compare their outputs."""
