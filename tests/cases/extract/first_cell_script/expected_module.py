"""Code moved out of notebook.py by nbrefactor."""

import math


def f(v, *, y):
    return v + y


def compute_x_and_y():
    """Compute x and y.

    Returns:
        ``x`` and ``y``, which the notebook goes on with.
    """
    x = math.sqrt(16)
    y = x * 2
    return x, y
