# %%
weights = {}
for name in ["a", "b"]:
    weights[name] = len(name) * 2

# %%
def scaled(values):
    return [v * weights["a"] for v in values]

# %%
%time result = scaled(range(5))

# %%
doubled = %time scaled([1, 2])

# %%
%timeit -n 2 -r 1 scaled([4])

# %%
print(result, doubled)
