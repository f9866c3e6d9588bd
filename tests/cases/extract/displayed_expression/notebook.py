# %% [markdown]
# ## Clean names

# %%
names = [" Ada ", "grace", "LINUS "]

# %%
cleaned = [name.strip().title() for name in names]
count = len(cleaned)
cleaned
