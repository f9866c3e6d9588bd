"""Import the modules of a staged package in a fresh interpreter: the cheap proof, before
anything is written, that what nbrefactor generated can be imported at all.

Nothing of the notebook runs: importing a generated module runs its imports, constants
and ``def``/``class`` statements (their decorators, annotations, defaults and bases),
which is where a name the module lacks shows first. A third-party module missing from
this interpreter proves nothing either way (the notebook's kernel may have it) and is
not a failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbrefactor.errors import NbrefactorError
from nbrefactor.verification.environment import child_environment

_PROBE = r"""
import importlib, json, sys, traceback
found = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".")[0]
        if missing and missing != name.split(".")[0]:
            continue  # a third-party module this interpreter lacks: no proof either way
        found[name] = f"ModuleNotFoundError: {error}"
    except BaseException as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename.endswith(name.replace(".", "/") + ".py")]
        where = f" (line {frames[-1].lineno})" if frames else ""
        found[name] = f"{type(error).__name__}: {error}{where}"
print(json.dumps(found))
"""


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """A module that does not import, and the error it raises (with its line)."""

    module: str
    error: str


def failing_imports(
    modules: Sequence[str],
    *,
    python_path: Sequence[Path],
    cwd: Path,
    timeout: float = 300,
) -> list[ImportFailure]:
    """The ``modules`` (dotted names) that fail to import in a fresh interpreter run in
    ``cwd`` (a notebook's folder: modules it imports from there are found) with
    ``python_path`` first on ``PYTHONPATH``.

    Raises:
        NbrefactorError: the interpreter could not be run, or ran longer than ``timeout``.
    """
    if not modules:
        return []
    env = child_environment(python_path, MPLBACKEND="Agg")
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, *modules],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        message = f"could not import the generated package to check it: {error}"
        raise NbrefactorError(message) from None
    lines = done.stdout.strip().splitlines()
    try:
        found = json.loads(lines[-1]) if lines else None
    except ValueError:
        found = None
    if not isinstance(found, dict):  # the interpreter died importing (a crash, an exit)
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
        return [ImportFailure(modules[0], said[0] if said else f"exit code {done.returncode}")]
    return [ImportFailure(module, str(error)) for module, error in found.items()]
