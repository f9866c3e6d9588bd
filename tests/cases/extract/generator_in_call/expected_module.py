"""Code moved out of notebook.py by nbrefactor."""


def weighted_totals(values, weight):
    total = sum(x * weight for x in values)
    mean = total / len(values)
    return total, mean
