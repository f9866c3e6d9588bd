# %% [markdown]
# # Names from how the code changes a frame
#
# Rows kept or dropped, a frame split in two, columns added, columns cleaned in place.

# %%
import pandas as pd

# %%
from pkg.notebook import (
    add_amount_eur,
    clean_unique_orders,
    drop_duplicates,
    drop_missing,
    keep_large_orders,
    report_counts,
    split_unique_orders,
)

# %%
orders = pd.DataFrame(
    {
        "placed": ["2024-01-02", "2024-01-03", "2024-01-03", None, "2024-01-05"],
        "amount": [12.5, 30.0, 30.0, 8.0, 19.9],
        "country": ["NL", "DE", "DE", "NL", "BE"],
    }
)
orders

# %% [markdown]
# ## Complete rows

# %%
complete_orders = drop_missing(orders=orders)

# %% [markdown]
# ## Once each

# %%
unique_orders = drop_duplicates(complete_orders=complete_orders)

# %% [markdown]
# ## Worth shipping

# %%
large_orders = keep_large_orders(unique_orders=unique_orders)

# %% [markdown]
# ## Dates

# %%
clean_unique_orders(unique_orders=unique_orders)

# %% [markdown]
# ## In euros

# %%
add_amount_eur(unique_orders=unique_orders)

# %% [markdown]
# ## First and the rest

# %%
first, rest = split_unique_orders(unique_orders=unique_orders)

# %% [markdown]
# ## Counts

# %%
report_counts(large_orders=large_orders, first=first, rest=rest, unique_orders=unique_orders)
