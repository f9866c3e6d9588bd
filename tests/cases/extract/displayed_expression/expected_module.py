"""Code moved out of notebook.py by nbrefactor."""


def compute_cleaned(names):
    cleaned = [name.strip().title() for name in names]
    count = len(cleaned)
    return cleaned
