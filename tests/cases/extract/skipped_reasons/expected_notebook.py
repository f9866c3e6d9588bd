# %%
from pkg.notebook import report_copies, report_copies_differ_inside_f

# %%
counter = 0
cut = 3
items = [1, 5, 7]

# %%
def bump():
    global counter
    counter += 1

# %%
def big(x):
    return x > cut

# %%
def twice(x):
    return 2 * x

# %%
from pkg.notebook import twice

# %%
def shout(text):
    return text.upper()

# %%
# NBR203: shout is bound by an assignment too
shout = str.upper

# %%
def last():
    return _

# %%
class Scaler:
    def scale(self, x):
        return x * cut

# %%
# NBR208: its default is a notebook variable (not a constant), evaluated by the def
picked = [i for i in items if i > 1]

def head(values=picked):
    return values[:1]

# %%
limit = len(items)

# %%
bump()
cut = 4
kept = list(filter(big, items))
print(kept, twice(2), head(), counter)

# %%
def timed():
    %time value = twice(3)
    return value

# %%
def run(code):
    return eval(code)

# %%
def above(x):
    return x > limit

# %%
def count_above(xs):
    limit = 100  # NBR209: above() would be passed this local, not the notebook's limit
    return sum(above(x) for x in xs)

# %% [markdown]
# ## Script code that stays

# %% [markdown]
# ### NBR210

# %%
# NBR210: `rate` is only defined further down (it ran out of order)
scaled = [i * rate for i in items]
print(scaled)

# %% [markdown]
# ### NBR211

# %%
# NBR211: `chosen` is bound only when the condition holds, and read below
if len(items) > 10:
    chosen = items[0]
print("checked", len(items))

# %% [markdown]
# ### NBR212

# %%
# NBR212: deletes a name an earlier cell made
spare = kept + [0]
del kept
print(spare)

# %% [markdown]
# ### NBR213

# %%
# NBR213: eval
expression = " + ".join(["1", "2"])
print(eval(expression), expression)

# %% [markdown]
# ### Later

# %%
rate = 1.5
chosen

# %% [markdown]
# ## Copies that differ inside an f-string (NBR215)

# %%
report_copies(items=items)

# %%
report_copies_differ_inside_f(items=items)
