"""Code moved out of notebook.py by nbrefactor."""


def compute_running_maximum(readings):
    """Compute running maximum.

    Args:
        readings: Items the code goes through.

    Returns:
        ``best``, which the notebook goes on with.
    """
    best = readings[0]
    for reading in readings:
        if reading > best:
            best = reading
    print("max", best)
    return best
