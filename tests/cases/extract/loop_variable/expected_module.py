"""Code moved out of notebook.py by nbrefactor."""


def compute_running_maximum(readings):
    best = readings[0]
    for reading in readings:
        if reading > best:
            best = reading
    print("max", best)
    return best
