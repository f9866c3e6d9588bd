"""The projects nbrefactor generates pass their own checks, as their CI would run them.

A project made by ``nbrefactor init`` and one made by ``nbrefactor extract --as-job``
are each installed (``pip install -e .``) into a fresh virtual environment, which sees
this environment's libraries so that nothing is downloaded; there ``pytest``, ``ruff
check``, ``ruff format --check``, ``mypy``, ``mkdocs build --strict``, the GitHub
workflow schema check (check-jsonschema's copy, offline) and pre-commit's check of its
configuration must all pass. ``init`` is also idempotent, never overwrites a file, and
fills in what an existing project lacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbrefactor import cli
from tests.conftest import EXAMPLES, run_extract, snapshot
from tests.fresh_environment import fresh_environment

#: Each check the generated CI workflow runs, as a module of the environment.
CHECKS = [
    ["pytest", "-q", "-p", "no:cacheprovider"],
    ["ruff", "check", "--no-cache", "."],
    ["ruff", "format", "--check", "--no-cache", "."],
    ["mypy", "--cache-dir", "{mypy_cache}"],
    ["mkdocs", "build", "--strict", "--site-dir", "{site}"],
    ["check_jsonschema", "--builtin-schema", "vendor.github-workflows", ".github/workflows/ci.yml"],
    ["pre_commit", "validate-config", ".pre-commit-config.yaml"],
]


def run_init(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, ["init", *args])
    return result.exit_code, result.stderr


def test_init_makes_every_file_of_a_project(tmp_path: Path) -> None:
    code, said = run_init(str(tmp_path / "Team Tools"))
    assert code == 0, said
    files = sorted(p.relative_to(tmp_path / "Team Tools").as_posix()
                   for p in (tmp_path / "Team Tools").rglob("*") if p.is_file())  # fmt: skip
    assert files == [
        ".github/workflows/ci.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "docs/api.md",
        "docs/index.md",
        "mkdocs.yml",
        "notebooks/README.md",
        "pyproject.toml",
        "src/team_tools/__init__.py",
        "tests/conftest.py",
        "tests/test_package.py",
    ]


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    assert run_init(str(tmp_path / "proj"))[0] == 0
    before = snapshot(tmp_path / "proj")
    code, said = run_init(str(tmp_path / "proj"))
    assert code == 0
    assert "nothing to add" in said
    assert snapshot(tmp_path / "proj") == before


def test_init_adds_only_what_an_existing_project_lacks(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "src" / "shop").mkdir(parents=True)
    pyproject = '[project]\nname = "shop"\nversion = "1.0"\n'
    (project / "pyproject.toml").write_text(pyproject)
    (project / "src" / "shop" / "__init__.py").write_text("")
    (project / "README.md").write_text("# Shop\n\nOurs.\n")

    code, said = run_init(str(project), "--dry-run")
    assert code == 0
    assert "would add" in said and not (project / "mkdocs.yml").exists()

    code, said = run_init(str(project))
    assert code == 0, said
    assert (project / "README.md").read_text() == "# Shop\n\nOurs.\n"
    assert (project / "pyproject.toml").read_text() == pyproject
    assert (project / "mkdocs.yml").is_file() and (project / ".github/workflows/ci.yml").is_file()
    assert "kept as they are: pyproject.toml, README.md, src/shop/__init__.py" in said


def test_init_takes_the_layout_from_pyproject_unless_a_flag_says(tmp_path: Path) -> None:
    """A monorepo's pyproject.toml says its projects are flat: init follows it."""
    (tmp_path / "pyproject.toml").write_text('[tool.nbrefactor]\nlayout = "flat"\n')
    assert run_init(str(tmp_path / "flat"), "--package", "shop")[0] == 0
    assert (tmp_path / "flat/shop/__init__.py").is_file()
    assert not (tmp_path / "flat/src").exists()
    assert run_init(str(tmp_path / "nested"), "--package", "shop", "--layout", "src")[0] == 0
    assert (tmp_path / "nested/src/shop/__init__.py").is_file()


def test_init_refuses_a_package_name_that_hides_a_module(tmp_path: Path) -> None:
    code, said = run_init(str(tmp_path / "proj"), "--package", "json")
    assert code == 2
    assert "standard library" in said
    assert not (tmp_path / "proj").exists()


@pytest.mark.slow
def test_a_project_from_init_passes_its_checks(tmp_path: Path) -> None:
    assert run_init(str(tmp_path / "analytics"))[0] == 0
    check_in_fresh_environment(tmp_path / "analytics", tmp_path)


@pytest.mark.slow
def test_a_project_from_extract_as_job_passes_its_checks(tmp_path: Path) -> None:
    notebook = tmp_path / "taxi_tips.ipynb"
    shutil.copy(EXAMPLES / "taxi_tips.ipynb", notebook)
    project = tmp_path / "taxi"
    code, _, said = run_extract(
        str(notebook), "--project-dir", str(project), "--package", "taxi",
        "--output-notebook", str(project / "notebooks" / notebook.name), "--as-job",
    )  # fmt: skip
    assert code == 0, said
    check_in_fresh_environment(project, tmp_path)


def check_in_fresh_environment(project: Path, work: Path) -> None:
    """Install ``project`` in a new virtual environment and run its CI's checks there."""
    python = fresh_environment(work / "venv")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-e", "."],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    values = {"mypy_cache": str(work / "mypy-cache"), "site": str(work / "site")}
    environ = {**os.environ, "MPLBACKEND": "Agg", "NO_MKDOCS_2_WARNING": "1"}
    environ.pop("PYTHONPATH", None)
    for check in CHECKS:
        arguments = [argument.format(**values) for argument in check]
        done = subprocess.run(
            [python, "-m", *arguments], cwd=project, env=environ,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{' '.join(check)}:\n{done.stdout}{done.stderr}"
    installed = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('" + project.name + "'))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.stdout.strip() == "0.1.0", installed.stderr


def test_extract_into_a_project_says_what_it_lacks(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    (project / "src" / "shop").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "1"\n')
    (project / "src" / "shop" / "__init__.py").write_text("")
    shutil.copy(EXAMPLES / "weather_forecast.ipynb", project / "weather_forecast.ipynb")

    code, _, said = run_extract(str(project / "weather_forecast.ipynb"))

    assert code == 0, said
    assert "has no README.md, .gitignore, .pre-commit-config.yaml, .github/workflows/ci.yml" in said
    assert f"`nbrefactor init {os.path.relpath(project)}` adds them" in said
    assert not (project / "mkdocs.yml").exists()  # said, not done
