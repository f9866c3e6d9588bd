"""Code moved out of notebook.py by nbrefactor."""

import pandas as pd


def drop_missing(orders):
    """Drop missing.

    Args:
        orders: The notebook's ``orders``.

    Returns:
        ``complete_orders``, which the notebook goes on with.
    """
    print(orders.isna().sum().sum(), "missing")
    complete_orders = orders.dropna()
    return complete_orders


def drop_duplicates(complete_orders):
    """Drop duplicates.

    Args:
        complete_orders: The notebook's ``complete_orders``.

    Returns:
        ``unique_orders``, which the notebook goes on with.
    """
    print(complete_orders.duplicated().sum(), "repeated")
    unique_orders = complete_orders.drop_duplicates().reset_index(drop=True)
    return unique_orders


def keep_large_orders(unique_orders):
    """Keep large orders.

    Args:
        unique_orders: Table with the columns ``amount``.

    Returns:
        ``large_orders``, which the notebook goes on with.
    """
    limit = unique_orders["amount"].median()
    large_orders = unique_orders[unique_orders["amount"] > limit]
    return large_orders


def clean_unique_orders(unique_orders):
    """Clean unique orders.

    Args:
        unique_orders: Table with the columns ``placed``, ``country``.
    """
    unique_orders["placed"] = pd.to_datetime(unique_orders["placed"])
    unique_orders["country"] = unique_orders["country"].str.lower()


def add_amount_eur(unique_orders):
    """Add amount eur.

    Args:
        unique_orders: Table with the columns ``amount``, ``amount_eur``.
    """
    unique_orders["amount_eur"] = unique_orders["amount"] * 0.92
    print(unique_orders["amount_eur"].sum().round(2))


def split_unique_orders(unique_orders):
    """Split unique orders.

    Args:
        unique_orders: The notebook's ``unique_orders``.

    Returns:
        ``first`` and ``rest``, which the notebook goes on with.
    """
    first = unique_orders.iloc[:1]
    rest = unique_orders.iloc[1:]
    return first, rest


def report_counts(large_orders, first, rest, unique_orders):
    """Report counts.

    Args:
        large_orders: The notebook's ``large_orders``.
        first: The notebook's ``first``.
        rest: The notebook's ``rest``.
        unique_orders: The notebook's ``unique_orders``.
    """
    print(len(large_orders), len(first), len(rest))
    print(unique_orders)
