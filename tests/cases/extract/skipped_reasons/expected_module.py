"""Code moved out of notebook.py by nbrefactor."""


def twice(x):
    return x + x


def report_copies(items):
    """Report copies.

    Args:
        items: Items the code goes through.
    """
    total = 0
    for item in items:
        total += item * 2
    message = f"sum of items: {total}"
    print(message.upper(), len(items))


def report_copies_differ_inside_f(items):
    """Report copies differ inside f.

    Args:
        items: Items the code goes through.
    """
    total = 0
    for item in items:
        total += item * 2
    message = f"total of items: {total}"
    print(message.upper(), len(items))
