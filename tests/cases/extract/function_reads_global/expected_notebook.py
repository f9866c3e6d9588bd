# %%
rows = [{"price": 3.0}, {"price": 5.5}]

# %%
from pkg.notebook import report_rows

# %%
report_rows(rows=rows)
