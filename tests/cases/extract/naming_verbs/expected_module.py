"""Code moved out of notebook.py by nbrefactor."""

import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def simulate_visits():
    """Simulate visits."""
    rng = np.random.default_rng(3)
    days = np.arange(30)
    _visits = pd.DataFrame({"day": days, "count": rng.poisson(20, 30)})


def load_daily_visits():
    """Load daily visits.

    Returns:
        ``daily_visits``, which the notebook goes on with.
    """
    daily_visits = pd.read_csv("visits.csv")
    daily_visits["weekday"] = daily_visits["day"] % 7
    return daily_visits


def plot_daily_visits(daily_visits):
    """Plot daily visits.

    Args:
        daily_visits: Table with the columns ``day``, ``count``.
    """
    _fig, ax = plt.subplots()
    ax.plot(daily_visits["day"], daily_visits["count"])
    ax.set_xlabel("day")


def fit_trend(daily_visits):
    """Fit trend.

    Args:
        daily_visits: Table with the columns ``day``, ``count``.

    Returns:
        ``trend``, which the notebook goes on with.
    """
    x = daily_visits["day"]
    trend = np.polyfit(x, daily_visits["count"], 1)
    return trend


def summarise_by_weekday(daily_visits):
    """Summarise by weekday.

    Args:
        daily_visits: The notebook's ``daily_visits``.

    Returns:
        ``by_weekday``, which the notebook goes on with.
    """
    counts = daily_visits.groupby("weekday")["count"]
    by_weekday = counts.mean().round(1)
    return by_weekday


def report_headline_numbers(trend, by_weekday):
    """Report headline numbers.

    Args:
        trend: The notebook's ``trend``.
        by_weekday: The notebook's ``by_weekday``.
    """
    print("slope per day:", round(trend[0], 3))
    print("busiest weekday:", by_weekday.idxmax())


def save_trend(trend, by_weekday):
    """Save trend.

    Args:
        trend: The notebook's ``trend``.
        by_weekday: The notebook's ``by_weekday``.
    """
    summary = {"slope": trend[0], "busiest": int(by_weekday.idxmax())}
    with open("trend.json", "w") as f:
        json.dump(summary, f)
