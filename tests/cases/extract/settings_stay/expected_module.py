"""Code moved out of notebook.py by nbrefactor."""

import random


def sample_points(seed, n_points):
    """Sample points.

    Args:
        seed: Setting, as the notebook sets it.
        n_points: Setting, as the notebook sets it.

    Returns:
        ``high``, which the notebook goes on with.
    """
    rng = random.Random(seed)
    points = [rng.uniform(0, 10) for _ in range(n_points)]

    # keep the points above the middle
    threshold = sum(points) / len(points)
    high = [p for p in points if p > threshold]
    print(len(high))
    return high


def count_them(high):
    """Count them.

    Args:
        high: Items the code goes through.
    """
    counts = {}
    for point in high:
        counts[int(point)] = counts.get(int(point), 0) + 1
    print(sorted(counts.items()))
