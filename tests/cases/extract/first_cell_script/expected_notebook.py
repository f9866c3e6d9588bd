# %%
from pkg.notebook import compute_x_and_y, f

# %%
x, y = compute_x_and_y()

# %%
print(f(1, y=y), x)
