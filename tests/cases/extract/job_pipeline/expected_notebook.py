# %% [markdown]
# # Weekly orders report
#
# Pull the week's orders, drop the test accounts, and write the totals per region.

# %%
import os

# %%
from pkg.notebook import clean_orders, compute_totals, save_totals, simulate_orders

# %%
# ---- settings ----
WEEK = "2024-W18"
N_ORDERS = 400          # orders in the simulated export
MIN_AMOUNT = 5.0
REGIONS = ["north", "south", "east"]
DROP_TEST_ACCOUNTS = True
OUT_DIR = "reports"
REPORT_CSV = os.path.join(OUT_DIR, f"totals-{WEEK}.csv")

# %% [markdown]
# ## Load

# %%
orders = simulate_orders(n_orders=N_ORDERS, regions=REGIONS, week=WEEK)

# %% [markdown]
# ## Clean

# %%
orders = clean_orders(orders=orders, drop_test_accounts=DROP_TEST_ACCOUNTS, min_amount=MIN_AMOUNT)

# %% [markdown]
# ## Totals

# %%
totals = compute_totals(orders=orders)
totals

# %% [markdown]
# ## Save

# %%
save_totals(totals=totals, out_dir=OUT_DIR, report_csv=REPORT_CSV)
