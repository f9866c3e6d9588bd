"""The environment of a process nbrefactor starts to run the user's code."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def child_environment(python_path: Sequence[Path] = (), **settings: str) -> dict[str, str]:
    """This process's environment with ``settings`` added and the folders of
    ``python_path`` first on ``PYTHONPATH`` (before what it held already)."""
    env = dict(os.environ, **settings)
    folders = [str(p.resolve()) for p in python_path]
    joined = os.pathsep.join(filter(None, [*folders, env.get("PYTHONPATH")]))
    if joined:
        env["PYTHONPATH"] = joined
    return env
