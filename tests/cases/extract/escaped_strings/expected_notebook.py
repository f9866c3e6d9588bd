# %% [markdown]
# LaTeX labels written without the `r` prefix: `\D` is no escape Python knows, so it
# warns when it compiles the moved module. The module spells them so that their value
# stays the same and Python has nothing to warn of.

# %%
from pkg.notebook import plot_steps

# %%
steps = [0.1, 0.05, 0.025]
errors = [0.02, 0.005, 0.00125]

# %%
plot_steps(steps=steps, errors=errors)
