# %% [markdown]
# # Fuel log
#
# Two cells chosen (`--cells 3-4 --function summarise_fuel`): their code becomes one
# function, called in the last of them. The other cells keep their code, though
# extract would move it otherwise.

# %%
import statistics

# %%
litres = [41.2, 38.9, 44.0, 40.3]
km = [612, 580, 655, 598]
consumption = [100 * l / k for l, k in zip(litres, km)]

# %%
consumption_mean = statistics.mean(consumption)
spread = max(consumption) - min(consumption)
print(f"{consumption_mean:.2f} l/100km (spread {spread:.2f})")

# %%
def litres_for(distance):
    return distance * consumption_mean / 100

print(round(litres_for(250), 1))
