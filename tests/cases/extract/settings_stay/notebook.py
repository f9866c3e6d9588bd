# %% [markdown]
# ## Sample points

# %%
import random

# how many points to draw, and from which seed
N_POINTS = 12
SEED = 7
rng = random.Random(SEED)
points = [rng.uniform(0, 10) for _ in range(N_POINTS)]

# %%
# keep the points above the middle
threshold = sum(points) / len(points)
high = [p for p in points if p > threshold]
print(len(high))

# %% [markdown]
# ## Count them

# %%
counts = {}
for point in high:
    counts[int(point)] = counts.get(int(point), 0) + 1
print(sorted(counts.items()))
