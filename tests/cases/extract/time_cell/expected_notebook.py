# %%
numbers = list(range(1000))

# %%
# %%time
squares = [n * n for n in numbers]
total = sum(squares)

# %%
print(total)
