# %%
import math
x = math.sqrt(16)
y = x * 2

# %%
def f(v):
    return v + y

# %%
print(f(1), x)
