"""Code moved out of notebook.py by nbrefactor."""

import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def simulate_visits():
    rng = np.random.default_rng(3)
    days = np.arange(30)
    visits = pd.DataFrame({"day": days, "count": rng.poisson(20, 30)})


def load_daily_visits():
    daily_visits = pd.read_csv("visits.csv")
    daily_visits["weekday"] = daily_visits["day"] % 7
    return daily_visits


def plot_daily_visits(daily_visits):
    fig, ax = plt.subplots()
    ax.plot(daily_visits["day"], daily_visits["count"])
    ax.set_xlabel("day");


def fit_trend(daily_visits):
    x = daily_visits["day"]
    trend = np.polyfit(x, daily_visits["count"], 1)
    return trend


def summarise_by_weekday(daily_visits):
    counts = daily_visits.groupby("weekday")["count"]
    by_weekday = counts.mean().round(1)
    return by_weekday


def report_headline_numbers(trend, by_weekday):
    print("slope per day:", round(trend[0], 3))
    print("busiest weekday:", by_weekday.idxmax())


def save_trend(trend, by_weekday):
    summary = {"slope": trend[0], "busiest": int(by_weekday.idxmax())}
    with open("trend.json", "w") as f:
        json.dump(summary, f)
