# %%
from pkg.notebook import f, compute_x_and_y

# %%
x, y = compute_x_and_y()

# %%
print(f(1, y=y), x)
