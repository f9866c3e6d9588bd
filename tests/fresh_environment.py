"""A fresh virtual environment that sees this one's libraries, so that installing a
generated project into it downloads nothing (the tests run offline)."""

from __future__ import annotations

import subprocess
import sysconfig
import venv
from pathlib import Path


def fresh_environment(folder: Path) -> Path:
    """A new virtual environment in ``folder``, with pip; this environment's libraries
    come after its own. Returns its python."""
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin" / "python"
    site_packages = subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
    ).strip()
    (Path(site_packages) / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
