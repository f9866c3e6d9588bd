# %% [markdown]
# # Fuel log
#
# Two cells chosen (`--cells 3-4 --function summarise_fuel`): their code becomes one
# function, called in the last of them. The other cells keep their code, though
# extract would move it otherwise.

# %%
from pkg.notebook import summarise_fuel

# %%
litres = [41.2, 38.9, 44.0, 40.3]
km = [612, 580, 655, 598]

# %%
consumption_mean = summarise_fuel(litres=litres, km=km)

# %%
def litres_for(distance):
    return distance * consumption_mean / 100

print(round(litres_for(250), 1))
