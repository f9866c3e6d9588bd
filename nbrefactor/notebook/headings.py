"""Markdown headings: which heading each cell sits under."""

from __future__ import annotations

import re
from collections.abc import Iterator

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def iter_headings(markdown: str) -> Iterator[tuple[int, str]]:
    """Yield ``(level, text)`` for each ATX or setext heading, skipping fenced code."""
    fence: str | None = None
    previous = ""
    for line in markdown.splitlines():
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
            previous = ""
            continue
        if fence is not None:
            continue
        atx = _ATX.match(line)
        if atx:
            yield len(atx.group(1)), (atx.group(2) or "").strip()
            previous = ""
            continue
        setext = _SETEXT.match(line)
        if setext and previous.strip() and not previous.startswith(("    ", "\t")):
            yield (1 if setext.group(1)[0] == "=" else 2), previous.strip()
            previous = ""
            continue
        previous = line


def advance(
    path: tuple[str, ...], levels: tuple[int, ...], markdown: str
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Return the heading path (texts and levels) after reading one markdown cell."""
    texts, lvls = list(path), list(levels)
    for level, text in iter_headings(markdown):
        while lvls and lvls[-1] >= level:
            lvls.pop()
            texts.pop()
        lvls.append(level)
        texts.append(text)
    return tuple(texts), tuple(lvls)
