# %%
from pkg.notebook import compute_total

# %%
numbers = list(range(1000))

# %%
# %%time
total = compute_total(numbers=numbers)

# %%
print(total)
