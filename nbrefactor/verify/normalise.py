"""What varies from one run of a notebook to the next, and is not a difference."""

from __future__ import annotations

import re

#: (pattern, replacement): object addresses, the kernel's temporary cell files, timings.
_VARIES = (
    (re.compile(r" at 0x[0-9a-fA-F]+"), " at 0x?"),
    (re.compile(r"/tmp/ipykernel_\d+/\d+\.py:\d+"), "<cell>"),
    (re.compile(r"/var/folders/[^\s\"']*/ipykernel_\d+/\d+\.py:\d+"), "<cell>"),
    (re.compile(r"^(CPU times|Wall time):.*$", re.MULTILINE), r"\1: ?"),
    (re.compile(r"^.* per loop \(mean ± std\. dev\..*$", re.MULTILINE), "<timeit>"),
)


def normalise(text: str) -> str:
    """``text`` with run-dependent details replaced by fixed placeholders."""
    for pattern, replacement in _VARIES:
        text = pattern.sub(replacement, text)
    return text
