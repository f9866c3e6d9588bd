# %%
import pandas as pd

# %%
def show_summary(frame):
    """Show the first rows and say how many there are."""
    display(frame.head(2))
    return len(frame)

# %%
def board(size):
    # Graph came from another notebook run in the same kernel
    return Graph(size)

# %%
sales = pd.DataFrame({"region": ["north", "south", "east"], "units": [3, 5, 2]})
show_summary(sales)
