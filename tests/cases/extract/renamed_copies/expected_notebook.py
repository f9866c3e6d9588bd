# %% [markdown]
# # Survey answers
#
# Two free-text columns cleaned the same way: the second cell was pasted from the
# first and renamed.

# %%
answers = {
    "age": [" 34", "41 ", "n/a", "29"],
    "income": ["52,000", " 61,500", "-", "48,250 "],
}

# %%
from pkg.notebook import normalise_column

# %%
# normalise the age column
ages = normalise_column(answers, column="age")

# %%
# same for income
incomes = normalise_column(answers, column="income")

# %% [markdown]
# Later cells read what each copy made.

# %%
[a for a in ages if a is not None], incomes[:2]
