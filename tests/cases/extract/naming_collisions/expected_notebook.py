# %% [markdown]
# # Names told apart by what differs
#
# Two plots of the same frame in one section: each is named for the column it shows.

# %%
import matplotlib.pyplot as plt
import pandas as pd

# %%
from pkg.notebook import plot_people_age, plot_people_income

# %%
people = pd.DataFrame({"age": [31, 45, 27, 52], "income": [41.0, 63.5, 38.2, 70.1]})

# %% [markdown]
# ## Distributions

# %%
plot_people_age(people=people)
plt.show()

# %%
plot_people_income(people=people)
plt.show()
