# %% [markdown]
# # Names from comments and headings
#
# A comment that says what the cell does names it; a heading that names an action
# or is a short noun phrase names it when the code does not say more; a heading that
# asks a question never does. A term in bold that opens the Markdown right above the
# code names what the code works out.

# %%
from pkg.notebook import (
    collapse_repeated_readings,
    compute_range_ratio,
    compute_spread_and_middle,
    normalise_scaled,
    report_running_total,
    report_two_measures_readings,
)

# %%
readings = [4.0, 4.5, 5.5, 3.0, 6.5, 7.0, 4.5]

# %%
repeated, distinct = collapse_repeated_readings(readings=readings)

# %% [markdown]
# ## Does the spread matter?

# %%
spread, middle = compute_spread_and_middle(distinct=distinct)

# %% [markdown]
# ## Normalisation

# %%
scaled = normalise_scaled(distinct=distinct, middle=middle, spread=spread)

# %% [markdown]
# ## Running total

# %%
report_running_total(scaled=scaled, repeated=repeated)

# %% [markdown]
# ## Two measures of the readings
#
# **Range ratio:** the spread over the middle value.

# %%
ratio = compute_range_ratio(spread=spread, middle=middle)

# %% [markdown]
# **Question:** is the ratio high?

# %%
report_two_measures_readings(ratio=ratio)
