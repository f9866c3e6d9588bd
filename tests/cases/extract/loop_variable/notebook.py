# %% [markdown]
# ## Running maximum

# %%
readings = [3, 9, 4, 12, 7]

# %%
best = readings[0]
for reading in readings:
    if reading > best:
        best = reading
print("max", best)

# %% [markdown]
# ## Later: only `best` is needed, never the loop variable

# %%
best
