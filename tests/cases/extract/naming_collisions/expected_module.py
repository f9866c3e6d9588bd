"""Code moved out of notebook.py by nbrefactor."""

import matplotlib.pyplot as plt


def plot_people_age(people):
    """Plot people age.

    Args:
        people: Table with the columns ``age``.
    """
    _fig, ax = plt.subplots()
    people["age"].plot.hist(ax=ax)
    ax.set_title("age")


def plot_people_income(people):
    """Plot people income.

    Args:
        people: Table with the columns ``income``.
    """
    _fig, ax = plt.subplots()
    people["income"].plot.hist(ax=ax, color="grey")
    ax.set_title("income (thousands)")
