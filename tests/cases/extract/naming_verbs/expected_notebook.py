# %% [markdown]
# # Names from what the code does
#
# Each section does one thing a function name should say: simulate, load, plot,
# fit, summarise, report, save.

# %%
from pkg.notebook import (
    fit_trend,
    load_daily_visits,
    plot_daily_visits,
    report_headline_numbers,
    save_trend,
    simulate_visits,
    summarise_by_weekday,
)

# %% [markdown]
# ## Visits

# %%
simulate_visits()

# %% [markdown]
# ## Back from disk

# %%
daily_visits = load_daily_visits()

# %% [markdown]
# ## Over time

# %%
plot_daily_visits(daily_visits=daily_visits)

# %% [markdown]
# ## Trend

# %%
trend = fit_trend(daily_visits=daily_visits)

# %% [markdown]
# ## Weekdays

# %%
by_weekday = summarise_by_weekday(daily_visits=daily_visits)

# %% [markdown]
# ## Headline numbers

# %%
report_headline_numbers(trend=trend, by_weekday=by_weekday)

# %% [markdown]
# ## For the dashboard

# %%
save_trend(trend=trend, by_weekday=by_weekday)
