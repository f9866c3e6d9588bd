"""One line of progress on stderr, rewritten in place while long work runs and wiped
when it ends; nothing at all where nobody watches (a pipe, a file, pre-commit).

Only the standard library: the pre-commit hook's imports stay light.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import TextIO


class ProgressLine:
    """One line of text on a terminal, each :meth:`show` replacing the last; with no
    ``stream``, a line nobody watches, which shows nothing.

    The line is wiped by :meth:`clear` (and when the ``with`` block ends, however it
    ends), so whatever is printed next starts on a clean line. Text wider than the
    terminal is cut: a wrapped line could not be rewritten in place.
    """

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self._shown = 0  # characters on the line now

    @property
    def active(self) -> bool:
        """Whether anything is shown (callers may skip making the text when not)."""
        return self._stream is not None

    def show(self, text: str) -> None:
        """Replace the line by ``text``."""
        if self._stream is None:
            return
        text = text[: max(_width(self._stream) - 1, 1)]
        # spaces, not an escape sequence, wipe the rest of a longer line: every
        # terminal understands them
        padded = text.ljust(self._shown)
        self._write("\r" + padded)
        self._shown = len(padded)

    def clear(self) -> None:
        """Wipe the line, leaving the cursor at its start."""
        if self._shown:
            self._write("\r" + " " * self._shown + "\r")
            self._shown = 0

    def _write(self, text: str) -> None:
        if self._stream is None:
            return
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is not worth dying
            self._stream = None

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.clear()


def progress_line(
    stream: TextIO | None = None,
    *,
    quiet: bool = False,
    environ: Mapping[str, str] | None = None,
) -> ProgressLine:
    """A progress line on ``stream`` (standard error) when someone watches it: the
    stream is a terminal, nothing asked for quiet, and pre-commit (which sets
    ``PRE_COMMIT``) is not running us, since it shows a hook's output after the hook is
    done. Otherwise one that shows nothing."""
    stream = sys.stderr if stream is None else stream
    environ = os.environ if environ is None else environ
    if quiet or environ.get("PRE_COMMIT") or not _is_terminal(stream):
        return ProgressLine(None)
    return ProgressLine(stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


def _width(stream: TextIO) -> int:
    """Columns of the terminal ``stream`` writes to; 80 when it cannot tell (a terminal
    made by `script` or a CI runner may say it has 0)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    return columns if columns > 0 else 80
