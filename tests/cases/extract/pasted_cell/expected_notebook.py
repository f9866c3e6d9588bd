# %%
from pkg.notebook import compare_labels_eye, report_accuracy

# %%
truth = [1, 0, 1, 1, 0]
guess = [1, 1, 1, 0, 0]

# %% [markdown]
# ## Accuracy

# %%
compare_labels_eye(truth=truth, guess=guess)

# %%
report_accuracy(truth=truth, guess=guess)

# %% [markdown]
# ## Confusion matrix

# %%
compare_labels_eye(truth=truth, guess=guess)
