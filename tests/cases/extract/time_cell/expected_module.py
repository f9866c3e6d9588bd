"""Code moved out of notebook.py by nbrefactor."""


def compute_total(numbers):
    """Compute total.

    Args:
        numbers: Items the code goes through.

    Returns:
        ``total``, which the notebook goes on with.
    """
    squares = [n * n for n in numbers]
    total = sum(squares)
    return total
