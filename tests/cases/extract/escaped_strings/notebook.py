# %% [markdown]
# LaTeX labels written without the `r` prefix: `\D` is no escape Python knows, so it
# warns when it compiles the moved module. The module spells them so that their value
# stays the same and Python has nothing to warn of.

# %%
import matplotlib.pyplot as plt

# %%
steps = [0.1, 0.05, 0.025]
errors = [0.02, 0.005, 0.00125]

# %%
fig, ax = plt.subplots()
ax.loglog(steps, errors, "o-")
ax.set_xlabel("$\Delta t$")
ax.set_ylabel("error\n(L1 norm, $\Delta x$ fixed)")
print("order of convergence:", round((errors[0] / errors[1]) ** 0.5, 2))
