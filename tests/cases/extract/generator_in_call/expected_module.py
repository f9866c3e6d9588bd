"""Code moved out of notebook.py by nbrefactor."""


def compute_weighted_totals(values, weight):
    """Compute weighted totals.

    Args:
        values: Items the code goes through.
        weight: The notebook's ``weight``.

    Returns:
        ``total`` and ``mean``, which the notebook goes on with.
    """
    total = sum(x * weight for x in values)
    mean = total / len(values)
    print(round(total, 2), round(mean, 2))
    return total, mean
