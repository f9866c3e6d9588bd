"""Code moved out of notebook.py by nbrefactor."""


def compare_labels_eye(truth, guess):
    """Compare the first labels by eye.

    Args:
        truth: The notebook's ``truth``.
        guess: The notebook's ``guess``.
    """
    # compare the first labels by eye
    print("True:", truth[:3])
    print("Pred:", guess[:3])


def report_accuracy(truth, guess):
    """Report accuracy.

    Args:
        truth: The notebook's ``truth``.
        guess: The notebook's ``guess``.
    """
    hits = sum(t == g for t, g in zip(truth, guess))
    print(hits / len(truth))
