"""Code moved out of notebook.py by nbrefactor."""

from IPython.display import display


def show_summary(frame):
    """Show the first rows and say how many there are."""
    display(frame.head(2))
    return len(frame)
