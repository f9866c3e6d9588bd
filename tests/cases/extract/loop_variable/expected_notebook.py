# %% [markdown]
# ## Running maximum

# %%
from pkg.notebook import compute_running_maximum

# %%
readings = [3, 9, 4, 12, 7]

# %%
best = compute_running_maximum(readings=readings)

# %% [markdown]
# ## Later: only `best` is needed, never the loop variable

# %%
best
