# %% [markdown]
# # Stock levels

# %%
import pandas as pd

stock = pd.read_csv("stock.csv")

# %%
print(reorder_level)

# %%
reorder_level = 20
