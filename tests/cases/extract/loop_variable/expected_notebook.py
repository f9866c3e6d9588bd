# %% [markdown]
# ## Running maximum

# %%
from pkg.notebook import running_maximum

# %%
readings = [3, 9, 4, 12, 7]

# %%
best = running_maximum(readings=readings)

# %% [markdown]
# ## Later: only `best` is needed, never the loop variable

# %%
best
