"""Code moved out of notebook.py by nbrefactor."""


def collapse_repeated_readings(readings):
    """Collapse the repeated readings.

    Args:
        readings: The notebook's ``readings``.

    Returns:
        ``repeated`` and ``distinct``, which the notebook goes on with.
    """
    # collapse the repeated readings
    repeated = len(readings) - len(set(readings))
    distinct = sorted(set(readings))
    return repeated, distinct


def compute_spread_and_middle(distinct):
    """Compute spread and middle.

    Args:
        distinct: The notebook's ``distinct``.

    Returns:
        ``spread`` and ``middle``, which the notebook goes on with.
    """
    spread = max(distinct) - min(distinct)
    middle = (max(distinct) + min(distinct)) / 2
    return spread, middle


def normalise_scaled(distinct, middle, spread):
    """Normalise scaled.

    Args:
        distinct: Items the code goes through.
        middle: The notebook's ``middle``.
        spread: The notebook's ``spread``.

    Returns:
        ``scaled``, which the notebook goes on with.
    """
    centred = [r - middle for r in distinct]
    scaled = [c / spread for c in centred]
    return scaled


def report_running_total(scaled, repeated):
    """Report running total.

    Args:
        scaled: Items the code goes through.
        repeated: The notebook's ``repeated``.
    """
    total = 0
    for value in scaled:
        total += value
    print(repeated, round(total, 3))


def compute_range_ratio(spread, middle):
    """Compute range ratio.

    The spread over the middle value.

    Args:
        spread: The notebook's ``spread``.
        middle: The notebook's ``middle``.

    Returns:
        ``ratio``, which the notebook goes on with.
    """
    ratio = spread / middle
    print(round(ratio, 3))
    return ratio


def report_two_measures_readings(ratio):
    """Report two measures readings.

    Args:
        ratio: The notebook's ``ratio``.
    """
    high = ratio > 0.5
    print(high)
