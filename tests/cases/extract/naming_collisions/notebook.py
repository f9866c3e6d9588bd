# %% [markdown]
# # Names told apart by what differs
#
# Two plots of the same frame in one section: each is named for the column it shows.

# %%
import matplotlib.pyplot as plt
import pandas as pd

# %%
people = pd.DataFrame({"age": [31, 45, 27, 52], "income": [41.0, 63.5, 38.2, 70.1]})

# %% [markdown]
# ## Distributions

# %%
fig, ax = plt.subplots()
people["age"].plot.hist(ax=ax)
ax.set_title("age")
plt.show()

# %%
fig, ax = plt.subplots()
people["income"].plot.hist(ax=ax, color="grey")
ax.set_title("income (thousands)")
plt.show()
