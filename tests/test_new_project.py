"""The files of a project extract creates: what it installs, tests and type-checks."""

from __future__ import annotations

import sys
from pathlib import Path

from nbrefactor.emit.project import Project, project_files

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_the_typing_extra_brings_the_stubs_of_what_the_code_imports(tmp_path: Path) -> None:
    project = Project(tmp_path, "churn", tmp_path / "src/churn", tmp_path / "tests", new=True)
    imports = [
        "import pandas as pd",
        "import yaml",
        "from sklearn.cluster import KMeans",
        "import statsmodels.api as sm",
        "import numpy as np",  # ships its own types
    ]

    files = project_files(project, imports)

    pyproject = tomllib.loads(files[tmp_path / "pyproject.toml"])
    extras = pyproject["project"]["optional-dependencies"]
    assert extras["typing"] == ["mypy", "pandas-stubs", "types-pyyaml"]
    assert pyproject["tool"]["mypy"]["overrides"] == [
        {"module": ["sklearn.*", "statsmodels.*"], "ignore_missing_imports": True}
    ]
    readme = files[tmp_path / "README.md"]
    assert 'python -m pip install -e ".[test,typing,lint,docs]"\npython -m pytest\n' in readme


def test_a_project_of_typed_libraries_needs_only_mypy(tmp_path: Path) -> None:
    project = Project(tmp_path, "maths", tmp_path / "maths", tmp_path / "tests", new=True)

    files = project_files(project, ["import numpy as np", "import json"])

    pyproject = tomllib.loads(files[tmp_path / "pyproject.toml"])
    assert pyproject["project"]["optional-dependencies"]["typing"] == ["mypy"]
    assert "overrides" not in pyproject["tool"]["mypy"]


def test_the_version_has_one_place(tmp_path: Path) -> None:
    project = Project(tmp_path, "maths", tmp_path / "src/maths", tmp_path / "tests", new=True)

    files = project_files(project, [])

    pyproject = tomllib.loads(files[tmp_path / "pyproject.toml"])
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"] == {"path": "src/maths/__init__.py"}
    assert '__version__ = "0.1.0"' in files[tmp_path / "src/maths/__init__.py"]
    assert "`__version__` in `src/maths/__init__.py`" in files[tmp_path / "README.md"]
