"""Where nbrefactor keeps what outlives a process (the journals of runs that write
files, :mod:`nbrefactor.emit.journal`), and the recovery every command starts with.

Every command looks here first for a run that was killed, and almost always finds
nothing, so this module stays small: the journal machinery is loaded only when a
journal is left.
"""

from __future__ import annotations

import os
from pathlib import Path

#: A journal's file name: this prefix, a random tag, ``.json``.
JOURNAL_PREFIX = "apply-"


def state_dir() -> Path:
    """Where journals are kept: ``$NBREFACTOR_STATE_DIR``, else
    ``$XDG_STATE_HOME/nbrefactor``, else ``~/.local/state/nbrefactor``."""
    explicit = os.environ.get("NBREFACTOR_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "nbrefactor"


def journal_paths() -> list[Path]:
    """The journals left in :func:`state_dir`, sorted by name; none when it cannot be
    read."""
    try:
        return sorted(state_dir().glob(f"{JOURNAL_PREFIX}*.json"))
    except OSError:
        return []


def undo_interrupted_runs() -> list[str]:
    """Undo (or finish) every run killed while it wrote files, and say what was done, a
    line each (:func:`nbrefactor.emit.journal.recover_interrupted`); a recovery that
    cannot be done is a line too. Nothing is loaded when no journal is left."""
    if not journal_paths():
        return []
    from nbrefactor.emit.journal import recover_interrupted

    try:
        return recover_interrupted()
    except OSError as error:
        return [f"could not undo an interrupted run: {error}"]
