# %%
truth = [1, 0, 1, 1, 0]
guess = [1, 1, 1, 0, 0]

# %% [markdown]
# ## Accuracy

# %%
# compare the first labels by eye
print("True:", truth[:3])
print("Pred:", guess[:3])

# %%
hits = sum(t == g for t, g in zip(truth, guess))
print(hits / len(truth))

# %% [markdown]
# ## Confusion matrix

# %%
# compare the first labels by eye
print("True:", truth[:3])
print("Pred:", guess[:3])
