"""Notebooks as nbrefactor sees them: the model, the reader, and IPython-syntax masking."""

from nbrefactor.notebook.model import Cell, Location, Notebook
from nbrefactor.notebook.reader import read_notebook, read_notebook_text

__all__ = ["Cell", "Location", "Notebook", "read_notebook", "read_notebook_text"]
