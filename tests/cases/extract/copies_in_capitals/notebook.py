# %% [markdown]
# Copies that read names in capitals: the shared function's parameters are in
# snake_case, and each copy still passes its own names. A function the copies call
# gains a parameter (the air density changes below), which the shared function passes.

# %%
import math

# %%
RHO = 1.2
CL, T = 0.8, 12.0
CL_B, T_B = 0.6, 9.0


# %%
def lift_of(speed, coefficient):
    return 0.5 * RHO * speed**2 * coefficient


# %%
# lift over drag of one wing
lift = lift_of(T, CL)
drag = lift / (math.pi * 7.5)
ratio = lift / drag
print("wing A", round(ratio, 3))

# %%
RHO = 1.1

# %%
# lift over drag of one wing
lift_b = lift_of(T_B, CL_B)
drag_b = lift_b / (math.pi * 7.5)
ratio_b = lift_b / drag_b
print("wing B", round(ratio_b, 3))
