# %% [markdown]
# ## Clean names

# %%
from pkg.notebook import compute_cleaned

# %%
names = [" Ada ", "grace", "LINUS "]

# %%
cleaned = compute_cleaned(names=names)
cleaned
