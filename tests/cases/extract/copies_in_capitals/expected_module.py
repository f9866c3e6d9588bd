"""Code moved out of notebook.py by nbrefactor."""

import math


def lift_of(speed, coefficient, *, RHO):
    return 0.5 * RHO * speed**2 * coefficient


def report_lift_drag_one(t, cl, rho, *, value):
    """Report lift drag one.

    Args:
        t: Setting, as the notebook sets it.
        cl: Setting, as the notebook sets it.
        rho: Setting, as the notebook sets it.
        value: ``'wing A'`` or ``'wing B'`` in the copies this replaces.
    """
    lift = lift_of(t, cl, RHO=rho)
    drag = lift / (math.pi * 7.5)
    ratio = lift / drag
    print(value, round(ratio, 3))
