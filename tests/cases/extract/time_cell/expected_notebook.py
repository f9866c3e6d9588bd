# %%
from pkg.notebook import make_total

# %%
numbers = list(range(1000))

# %%
# %%time
total = make_total(numbers=numbers)

# %%
print(total)
