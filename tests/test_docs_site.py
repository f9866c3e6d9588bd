"""The documentation site: its reference pages are made from the code, so every key and
code must have what the pages show, and the site builds with ``mkdocs build --strict``
(CI builds it too, in .ci/run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbrefactor.config import KEY_HELP, default_values
from nbrefactor.llm.settings import LLM_KEY_HELP, llm_default_values

REPO = Path(__file__).resolve().parent.parent


def test_every_configuration_key_is_described() -> None:
    assert list(KEY_HELP) == list(default_values())
    assert list(LLM_KEY_HELP) == list(llm_default_values())


@pytest.mark.slow
def test_the_site_builds_strictly(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    commands = (tmp_path / "reference" / "cli" / "index.html").read_text()
    assert "--as-job" in commands and "nbrefactor init" in commands
