"""Code moved out of notebook.py by nbrefactor."""

import math


def total_price(rate, *, rows):
    return sum(row["price"] for row in rows) * rate * math.pi


def report_rows(rows):
    """Report rows.

    Args:
        rows: The notebook's ``rows``.
    """
    print(total_price(2, rows=rows))
    rows.append({"price": 1.0})
    print(total_price(rate=1, rows=rows))
