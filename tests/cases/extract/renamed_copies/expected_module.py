"""Code moved out of notebook.py by nbrefactor."""

import re


def normalise_column(answers, *, column):
    """Normalise the column.

    Args:
        answers: The notebook's ``answers``.
        column: ``'age'`` or ``'income'`` in the copies this replaces.

    Returns:
        ``ages``, which the notebook goes on with.
    """
    raw = answers[column]
    cleaned = []
    for text in raw:
        text = text.strip().replace(",", "")
        cleaned.append(float(text) if re.fullmatch(r"[\d.]+", text) else None)
    ages = cleaned
    print(column, sum(v is None for v in ages), "missing")
    return ages
