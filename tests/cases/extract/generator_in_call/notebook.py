# %% [markdown]
# # Weighted totals

# %%
values = [1.0, 2.5, 4.0]
weight = 0.5

# %%
total = sum(x * weight for x in values)
mean = total / len(values)
print(round(total, 2), round(mean, 2))

# %%
total - mean
