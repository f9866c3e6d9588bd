# %% [markdown]
# # Weekly orders report
#
# Pull the week's orders, drop the test accounts, and write the totals per region.

# %%
import os
import random
import statistics

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
rng = random.Random(42)
orders = [
    {"id": i, "region": rng.choice(REGIONS), "amount": round(rng.expovariate(1 / 40), 2),
     "test": rng.random() < 0.05}
    for i in range(N_ORDERS)
]
print(f"loaded {len(orders)} orders for {WEEK}")

# %% [markdown]
# ## Clean

# %%
if DROP_TEST_ACCOUNTS:
    orders = [o for o in orders if not o["test"]]
orders = [o for o in orders if o["amount"] >= MIN_AMOUNT]
print("kept", len(orders), "orders")

# %% [markdown]
# ## Totals

# %%
totals = {}
for order in orders:
    totals[order["region"]] = totals.get(order["region"], 0) + order["amount"]
median = statistics.median(o["amount"] for o in orders)
print(f"median order: {median:.2f}")
totals

# %% [markdown]
# ## Save

# %%
os.makedirs(OUT_DIR, exist_ok=True)
with open(REPORT_CSV, "w") as out:
    for region in sorted(totals):
        out.write(f"{region},{totals[region]:.2f}\n")
print("wrote", REPORT_CSV)
