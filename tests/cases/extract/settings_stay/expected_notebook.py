# %% [markdown]
# ## Sample points

# %%
import random

# how many points to draw, and from which seed
N_POINTS = 12
SEED = 7

# %%
from pkg.notebook import simulate_high, count_them

# %%
high = simulate_high(SEED=SEED, N_POINTS=N_POINTS)

# %% [markdown]
# ## Count them

# %%
count_them(high=high)
