"""Code moved out of notebook.py by nbrefactor."""

import statistics


def summarise_fuel(litres, km):
    """Summarise fuel.

    Args:
        litres: The notebook's ``litres``.
        km: The notebook's ``km``.

    Returns:
        ``consumption_mean``, which the notebook goes on with.
    """
    consumption = [100 * l / k for l, k in zip(litres, km)]

    consumption_mean = statistics.mean(consumption)
    spread = max(consumption) - min(consumption)
    print(f"{consumption_mean:.2f} l/100km (spread {spread:.2f})")
    return consumption_mean
