"""Code moved out of notebook.py by nbrefactor."""

import matplotlib.pyplot as plt


def plot_steps(steps, errors):
    """Plot steps.

    Args:
        steps: The notebook's ``steps``.
        errors: The notebook's ``errors``.
    """
    _fig, ax = plt.subplots()
    ax.loglog(steps, errors, "o-")
    ax.set_xlabel(r"$\Delta t$")
    ax.set_ylabel("error\n(L1 norm, $\\Delta x$ fixed)")
    print("order of convergence:", round((errors[0] / errors[1]) ** 0.5, 2))
