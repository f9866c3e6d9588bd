# %% [markdown]
# # Word counts
#
# Cells 4-5 are chosen (`--cells 4-5`): the code of cell 5 moves; `count_words` stays,
# since the helper it calls (`tokens`, in cell 2) was not chosen and would be passed
# in (NBR224).

# %%
def tokens(text):
    return [word.strip(".,").lower() for word in text.split()]

# %%
text = "The cat sat. The cat ran, the dog sat."

# %%
def count_words(text):
    counts = {}
    for word in tokens(text):
        counts[word] = counts.get(word, 0) + 1
    return counts

# %%
# the distinct words, ignoring case
distinct = sorted({word.strip(".,") for word in text.lower().split()})
print(len(distinct), distinct)

# %%
print(count_words(text))
