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
def twice(x):
    return x + x

# %%
def last():
    return _

# %%
class Scaler:
    def scale(self, x):
        return x * cut

# %%
def head(values=items):
    return values[:1]

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
