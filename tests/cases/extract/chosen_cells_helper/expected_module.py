"""Code moved out of notebook.py by nbrefactor."""


def report_distinct_words(text):
    """Report distinct words.

    Args:
        text: The notebook's ``text``.
    """
    # the distinct words, ignoring case
    distinct = sorted({word.strip(".,") for word in text.lower().split()})
    print(len(distinct), distinct)
