"""Code moved out of notebook.py by nbrefactor."""


def clean_names(names):
    """Clean names.

    Args:
        names: Items the code goes through.

    Returns:
        ``cleaned``, which the notebook goes on with.
    """
    cleaned = [name.strip().title() for name in names]
    _count = len(cleaned)
    return cleaned
