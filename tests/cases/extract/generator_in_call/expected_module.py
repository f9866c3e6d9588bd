"""Code moved out of notebook.py by nbrefactor."""


def compute_weighted_totals(values, weight):
    total = sum(x * weight for x in values)
    mean = total / len(values)
    print(round(total, 2), round(mean, 2))
    return total, mean
