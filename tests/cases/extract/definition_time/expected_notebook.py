# %% [markdown]
# What a `def` or `class` evaluates when it runs (decorators, annotations, defaults,
# base classes) moves with it: the imports and constants it needs go to the module.

# %%
from functools import lru_cache
from typing import *
import collections.abc as cabc

# %%
from pkg.notebook import Pairs, fib, first_lines, scaled

# %%
print(fib(20), first_lines("a\nb"), len(Pairs([1, 2, 3, 4])), scaled([1]))
