"""Code moved out of notebook.py by nbrefactor."""


def scaled(values, *, weights):
    return [v * weights["a"] for v in values]


def compute_weights():
    """Compute weights.

    Returns:
        ``weights``, which the notebook goes on with.
    """
    weights = {}
    for name in ["a", "b"]:
        weights[name] = len(name) * 2
    return weights
