# %%
from pkg.notebook import compute_weights, scaled

# %%
weights = compute_weights()

# %%
%time result = scaled(range(5), weights=weights)

# %%
doubled = %time scaled([1, 2], weights=weights)

# %%
%timeit -n 2 -r 1 scaled([4], weights=weights)

# %%
print(result, doubled)
