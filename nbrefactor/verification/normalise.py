"""What varies from one run of a notebook to the next, and is not a difference.

Each rule replaces a detail that changes between two runs of the same code with a fixed
placeholder: object addresses, the kernel's temporary file names, ``%%time`` and
``%timeit`` figures, progress bars' rates and times, temporary folders, the file and
line a warning names (moved code warns from the module), and the random ids of HTML
tables.
"""

from __future__ import annotations

import re

#: (pattern, replacement), applied in this order.
_VARIES = (
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x?"),  # <Foo object at 0x7f3a2b4c>
    (re.compile(r"/tmp/ipykernel_\d+/\d+\.py:\d+"), "<cell>"),
    (re.compile(r"/var/folders/[^\s\"']*/ipykernel_\d+/\d+\.py:\d+"), "<cell>"),
    (re.compile(r"^(CPU times|Wall time):.*$", re.MULTILINE), r"\1: ?"),
    (re.compile(r"^.* per loop \(mean ± std\. dev\..*$", re.MULTILINE), "<timeit>"),
    # tqdm: ` 40%|████      | 4/10 [00:01<00:02,  3.21it/s]`
    (re.compile(r"\[\d+:\d+(?::\d+)?(?:<[\d:?]+)?,\s*(?:[\d.]+|\?)\s*\w+/\w+\]"), "[?]"),
    (re.compile(r"(?:/private)?/var/folders/[^\s\"']+?/T/tmp[\w-]+"), "<tmp>"),
    (re.compile(r"(?:/tmp|[A-Za-z]:\\[^\s\"']*?\\Temp)[/\\]tmp[\w-]+"), "<tmp>"),
    (re.compile(r"\bT_[0-9a-f]{5}(?=_|\b)"), "T_?"),  # pandas Styler table ids
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
)
#: ``path/to/file.py:12: FutureWarning: message`` as ``warnings`` prints it.
_WARNING = re.compile(r"^\S.*?:\d+: (\w*Warning): ")


def normalise(text: str) -> str:
    """``text`` with run-dependent details replaced by fixed placeholders."""
    if "\r" in text:
        text = _overwritten(text)
    if "Warning: " in text:
        text = _warnings(text)
    for pattern, replacement in _VARIES:
        text = pattern.sub(replacement, text)
    return text


def _overwritten(text: str) -> str:
    """Each line as a terminal shows it in the end: what follows its last carriage
    return (progress bars redraw themselves, a different number of times per run)."""
    lines = text.split("\n")
    kept = []
    for line in lines:
        parts = [part for part in line.split("\r") if part]
        kept.append(parts[-1] if parts else "")
    return "\n".join(kept)


def _warnings(text: str) -> str:
    """Warnings without the file and line they name, nor the source line printed under
    them (indented, after a message of one line or more): moved code warns from the
    module, at another line, formatted otherwise."""
    lines = text.split("\n")
    kept: list[str] = []
    in_warning = False  # after a warning's first line, until its source line
    for line in lines:
        match = _WARNING.match(line)
        if match:
            kept.append(f"<source>: {line[match.start(1) :]}")
            in_warning = True
        elif in_warning and line.startswith("  "):
            in_warning = False  # the source line
        else:
            in_warning = in_warning and bool(line.strip())  # the message goes on
            kept.append(line)
    return "\n".join(kept)
