# %% [markdown]
# ## Sample points

# %%
import random

# how many points to draw, and from which seed
N_POINTS = 12
SEED = 7

# %%
from pkg.notebook import sample_points, count_them

# %%
high = sample_points(SEED=SEED, N_POINTS=N_POINTS)

# %% [markdown]
# ## Count them

# %%
count_them(high=high)
