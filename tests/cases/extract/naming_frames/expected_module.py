"""Code moved out of notebook.py by nbrefactor."""

import pandas as pd


def drop_missing(orders):
    print(orders.isna().sum().sum(), "missing")
    complete_orders = orders.dropna()
    return complete_orders


def drop_duplicates(complete_orders):
    print(complete_orders.duplicated().sum(), "repeated")
    unique_orders = complete_orders.drop_duplicates().reset_index(drop=True)
    return unique_orders


def keep_large_orders(unique_orders):
    limit = unique_orders["amount"].median()
    large_orders = unique_orders[unique_orders["amount"] > limit]
    return large_orders


def clean_unique_orders(unique_orders):
    unique_orders["placed"] = pd.to_datetime(unique_orders["placed"])
    unique_orders["country"] = unique_orders["country"].str.lower()


def add_amount_eur(unique_orders):
    unique_orders["amount_eur"] = unique_orders["amount"] * 0.92
    print(unique_orders["amount_eur"].sum().round(2))


def split_unique_orders(unique_orders):
    first = unique_orders.iloc[:1]
    rest = unique_orders.iloc[1:]
    return first, rest


def report_counts(large_orders, first, rest, unique_orders):
    print(len(large_orders), len(first), len(rest))
    print(unique_orders)
