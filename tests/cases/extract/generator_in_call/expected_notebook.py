# %% [markdown]
# # Weighted totals

# %%
from pkg.notebook import compute_weighted_totals

# %%
values = [1.0, 2.5, 4.0]
weight = 0.5

# %%
total, mean = compute_weighted_totals(values=values, weight=weight)

# %%
total - mean
