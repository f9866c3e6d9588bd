# %% [markdown]
# # Survey answers
#
# Two free-text columns cleaned the same way: the second cell was pasted from the
# first and renamed.

# %%
import re

answers = {
    "age": [" 34", "41 ", "n/a", "29"],
    "income": ["52,000", " 61,500", "-", "48,250 "],
}

# %%
# normalise the age column
raw = answers["age"]
cleaned = []
for text in raw:
    text = text.strip().replace(",", "")
    cleaned.append(float(text) if re.fullmatch(r"[\d.]+", text) else None)
ages = cleaned
print("age", sum(v is None for v in ages), "missing")

# %%
# same for income
values = answers["income"]
out = []
for item in values:
    item = item.strip().replace(",", "")
    out.append(float(item) if re.fullmatch(r"[\d.]+", item) else None)
incomes = out
print("income", sum(v is None for v in incomes), "missing")

# %% [markdown]
# Later cells read what each copy made.

# %%
[a for a in ages if a is not None], incomes[:2]
