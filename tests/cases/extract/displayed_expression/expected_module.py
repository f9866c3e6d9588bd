"""Code moved out of notebook.py by nbrefactor."""


def clean_names(names):
    cleaned = [name.strip().title() for name in names]
    count = len(cleaned)
    return cleaned
