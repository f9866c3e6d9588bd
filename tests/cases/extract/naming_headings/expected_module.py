"""Code moved out of notebook.py by nbrefactor."""


def collapse_repeated_readings(readings):
    # collapse the repeated readings
    repeated = len(readings) - len(set(readings))
    distinct = sorted(set(readings))
    return repeated, distinct


def compute_spread_and_middle(distinct):
    spread = max(distinct) - min(distinct)
    middle = (max(distinct) + min(distinct)) / 2
    return spread, middle


def normalise_scaled(distinct, middle, spread):
    centred = [r - middle for r in distinct]
    scaled = [c / spread for c in centred]
    return scaled


def report_running_total(scaled, repeated):
    total = 0
    for value in scaled:
        total += value
    print(repeated, round(total, 3))
