# %% [markdown]
# # Names from comments and headings
#
# A comment that says what the cell does names it; a heading that names an action
# or is a short noun phrase names it when the code does not say more; a heading that
# asks a question never does. A term in bold that opens the Markdown right above the
# code names what the code works out.

# %%
readings = [4.0, 4.5, 5.5, 3.0, 6.5, 7.0, 4.5]

# %%
# collapse the repeated readings
repeated = len(readings) - len(set(readings))
distinct = sorted(set(readings))

# %% [markdown]
# ## Does the spread matter?

# %%
spread = max(distinct) - min(distinct)
middle = (max(distinct) + min(distinct)) / 2

# %% [markdown]
# ## Normalisation

# %%
centred = [r - middle for r in distinct]
scaled = [c / spread for c in centred]

# %% [markdown]
# ## Running total

# %%
total = 0
for value in scaled:
    total += value
print(repeated, round(total, 3))

# %% [markdown]
# ## Two measures of the readings
#
# **Range ratio:** the spread over the middle value.

# %%
ratio = spread / middle
print(round(ratio, 3))

# %% [markdown]
# **Question:** is the ratio high?

# %%
high = ratio > 0.5
print(high)
