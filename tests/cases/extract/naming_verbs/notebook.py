# %% [markdown]
# # Names from what the code does
#
# Each section does one thing a function name should say: simulate, load, plot,
# fit, summarise, report, save.

# %%
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# %% [markdown]
# ## Visits

# %%
rng = np.random.default_rng(3)
days = np.arange(30)
visits = pd.DataFrame({"day": days, "count": rng.poisson(20, 30)})

# %% [markdown]
# ## Back from disk

# %%
daily_visits = pd.read_csv("visits.csv")
daily_visits["weekday"] = daily_visits["day"] % 7

# %% [markdown]
# ## Over time

# %%
fig, ax = plt.subplots()
ax.plot(daily_visits["day"], daily_visits["count"])
ax.set_xlabel("day");

# %% [markdown]
# ## Trend

# %%
x = daily_visits["day"]
trend = np.polyfit(x, daily_visits["count"], 1)

# %% [markdown]
# ## Weekdays

# %%
counts = daily_visits.groupby("weekday")["count"]
by_weekday = counts.mean().round(1)

# %% [markdown]
# ## Headline numbers

# %%
print("slope per day:", round(trend[0], 3))
print("busiest weekday:", by_weekday.idxmax())

# %% [markdown]
# ## For the dashboard

# %%
summary = {"slope": trend[0], "busiest": int(by_weekday.idxmax())}
with open("trend.json", "w") as f:
    json.dump(summary, f)
