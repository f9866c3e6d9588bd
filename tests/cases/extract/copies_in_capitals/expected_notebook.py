# %% [markdown]
# Copies that read names in capitals: the shared function's parameters are in
# snake_case, and each copy still passes its own names. A function the copies call
# gains a parameter (the air density changes below), which the shared function passes.

# %%
from pkg.notebook import report_lift_drag_one

# %%
RHO = 1.2
CL, T = 0.8, 12.0
CL_B, T_B = 0.6, 9.0

# %%
# lift over drag of one wing
report_lift_drag_one(T, CL, RHO, value="wing A")

# %%
RHO = 1.1

# %%
# lift over drag of one wing
report_lift_drag_one(T_B, CL_B, RHO, value="wing B")
