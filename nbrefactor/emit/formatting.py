"""Generated Python formatted the way the project formats its code, when it can be.

nbrefactor moves the user's code as it was written; a package is kept formatted by a
formatter. When ruff is installed (it is not a dependency), the modules and tests
nbrefactor writes go through ``ruff format``, with the configuration ruff finds for
the file they become (the project's own ``[tool.ruff]``, else ruff's defaults). When
ruff is missing, fails or takes too long, the text is written as it was rendered.
Formatting never changes what the code does: ruff checks that the result compiles to
the same program, and so does :func:`~nbrefactor.emit.templating.checked_python` here.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

#: Seconds one file may take; a formatter that hangs must not hold up the write.
_TIMEOUT = 20


@cache
def _ruff() -> tuple[str, ...] | None:
    """The command that runs ruff, or None when it is not installed."""
    if importlib.util.find_spec("ruff") is not None:
        return (sys.executable, "-m", "ruff")
    found = shutil.which("ruff")
    return (found,) if found else None


def formatted(text: str, path: Path) -> str:
    """``text`` (Python for the file ``path``) as ``ruff format`` writes it; ``text``
    itself when ruff is not there or does not succeed."""
    command = _ruff()
    if command is None:
        return text
    try:
        done = subprocess.run(
            [*command, "format", "--quiet", "--stdin-filename", str(path), "-"],
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return text
    return done.stdout if done.returncode == 0 and done.stdout.strip() else text
