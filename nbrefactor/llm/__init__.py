"""The optional language model stage: it proposes functions for a notebook's script
code (boundaries, names, docstrings); the planner decides what to take."""
