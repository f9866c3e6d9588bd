# %% [markdown]
# ## Sample points

# %%
# how many points to draw, and from which seed
N_POINTS = 12
SEED = 7

# %%
from pkg.notebook import count_them, sample_points

# %%
high = sample_points(seed=SEED, n_points=N_POINTS)

# %% [markdown]
# ## Count them

# %%
count_them(high=high)
