# %%
import pandas as pd

# %%
from pkg.notebook import show_summary


# %%
def board(size):
    # Graph came from another notebook run in the same kernel
    return Graph(size)

# %%
sales = pd.DataFrame({"region": ["north", "south", "east"], "units": [3, 5, 2]})
show_summary(sales)
