# %%
from pkg.notebook import f, make_x_y

# %%
import math
x, y = make_x_y()

# %%
print(f(1, y=y), x)
