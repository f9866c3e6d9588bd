"""Code moved out of notebook.py by nbrefactor."""


def compute_total(numbers):
    squares = [n * n for n in numbers]
    total = sum(squares)
    return total
