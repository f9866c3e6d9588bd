# %% [markdown]
# ## Clean names

# %%
from pkg.notebook import clean_names

# %%
names = [" Ada ", "grace", "LINUS "]

# %%
cleaned = clean_names(names=names)
cleaned
