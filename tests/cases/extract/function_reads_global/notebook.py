# %%
import math

rows = [{"price": 3.0}, {"price": 5.5}]


# %%
def total_price(rate):
    return sum(row["price"] for row in rows) * rate * math.pi


# %%
print(total_price(2))
rows.append({"price": 1.0})
print(total_price(rate=1))
