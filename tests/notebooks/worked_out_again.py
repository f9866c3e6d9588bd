# %% [markdown]
# # Fitting a trend, one try after another
#
# Functions and classes defined again as the analysis gets better, cells that start
# with the settings people change, and a helper kept for old callers with a warning.

# %%
import statistics
import warnings

# %%
# the readings, and how many to smooth over
readings = [3.1, 2.9, 3.4, 3.8, 4.1, 3.9, 4.4, 4.8, 5.0, 5.3]
WINDOW = 3


# %%
def smooth(values):
    return values[:]


# %%
print(smooth(readings)[:3])


# %% [markdown]
# A moving average this time.

# %%
def smooth(values, window=WINDOW):
    averages = []
    for start in range(len(values) - window + 1):
        averages.append(statistics.mean(values[start : start + window]))
    return averages


# %%
smoothed = smooth(readings)
print([round(v, 2) for v in smoothed])


# %%
class Trend:
    def __init__(self, values):
        self.values = values

    def slope(self):
        return self.values[-1] - self.values[0]


# %%
first = Trend(smoothed)
print(first.slope())


# %%
class Trend:
    """The least-squares slope of evenly spaced values."""

    def __init__(self, values):
        self.values = values

    def slope(self):
        n = len(self.values)
        mean_x, mean_y = (n - 1) / 2, statistics.mean(self.values)
        top = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(self.values))
        return top / sum((x - mean_x) ** 2 for x in range(n))


# %%
# per half step, next to the first try
STEP = 0.5
better = Trend(smoothed)
per_step = better.slope() * STEP
print(round(per_step, 3), round(first.slope(), 3))


# %% [markdown]
# The rounding helper stays for old callers, and says so when it is used.

# %%
def rounded(values):
    warnings.warn("rounded() is deprecated: round where you print", DeprecationWarning)
    return [round(v, 1) for v in values]


# %%
print(rounded(smoothed))
