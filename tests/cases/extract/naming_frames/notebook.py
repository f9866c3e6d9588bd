# %% [markdown]
# # Names from how the code changes a frame
#
# Rows kept or dropped, a frame split in two, columns added, columns cleaned in place.

# %%
import pandas as pd

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
print(orders.isna().sum().sum(), "missing")
complete_orders = orders.dropna()

# %% [markdown]
# ## Once each

# %%
print(complete_orders.duplicated().sum(), "repeated")
unique_orders = complete_orders.drop_duplicates().reset_index(drop=True)

# %% [markdown]
# ## Worth shipping

# %%
limit = unique_orders["amount"].median()
large_orders = unique_orders[unique_orders["amount"] > limit]

# %% [markdown]
# ## Dates

# %%
unique_orders["placed"] = pd.to_datetime(unique_orders["placed"])
unique_orders["country"] = unique_orders["country"].str.lower()

# %% [markdown]
# ## In euros

# %%
unique_orders["amount_eur"] = unique_orders["amount"] * 0.92
print(unique_orders["amount_eur"].sum().round(2))

# %% [markdown]
# ## First and the rest

# %%
first = unique_orders.iloc[:1]
rest = unique_orders.iloc[1:]

# %% [markdown]
# ## Counts

# %%
print(len(large_orders), len(first), len(rest))
print(unique_orders)
