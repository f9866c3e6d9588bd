"""Code moved out of notebook.py by nbrefactor."""


def scaled(values, *, weights):
    return [v * weights["a"] for v in values]
