"""Golden cases: the expected output of nbrefactor for each example notebook.

The expected files live in ``tests/cases/``. They change only through the explicit
command below, and the diff is reviewed like code::

    python -m tests.golden
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nbrefactor import build_graph, read_notebook
from nbrefactor.report.graph import graph_to_dict

REPO = Path(__file__).resolve().parent.parent
GRAPH_CASES = REPO / "tests" / "cases" / "graph"


def example_notebooks() -> list[Path]:
    from tests.conftest import all_notebooks

    return all_notebooks()


def graph_case(notebook: Path) -> dict[str, Any]:
    """The graph JSON of ``notebook``, with its path relative to the repository."""
    result = graph_to_dict(build_graph(read_notebook(notebook)))
    result["notebook"] = notebook.relative_to(REPO).as_posix()
    return result


def expected_path(notebook: Path) -> Path:
    return GRAPH_CASES / f"{notebook.name}.json"


EXTRACT_CASES = REPO / "tests" / "cases" / "extract"


def extract_case(folder: Path, work: Path) -> dict[str, str]:
    """Extract ``folder/notebook.py`` in ``work`` (with the keyword arguments of
    :func:`~nbrefactor.api.extract.extract` in ``folder/options.json``, if any); the
    module and notebook it produces."""
    import shutil

    from nbrefactor.api.extract import extract

    notebook = work / "notebook.py"
    shutil.copy(folder / "notebook.py", notebook)
    options_file = folder / "options.json"
    options = json.loads(options_file.read_text()) if options_file.exists() else {}
    result = extract(
        notebook, project_dir=work / "project", package="pkg", autoreload=False, **options
    )
    result.changes.apply()
    module = work / "project" / "src" / "pkg" / "notebook.py"
    skipped = "".join(  # "'name' not extracted: reason" -> "CODE name: reason"
        "{} {}: {}\n".format(s.code, *s.message[1:].split("' not extracted: ", 1))
        for s in result.plan.skipped
    )
    return {
        "expected_module.py": module.read_text(encoding="utf-8") if module.exists() else "",
        "expected_notebook.py": notebook.read_text(encoding="utf-8"),
        "expected_skipped.txt": skipped,
    }


PROJECT_CASES = REPO / "tests" / "cases" / "project"
#: Projects nbrefactor generates, by case: their package, their code's imports, their
#: jobs. Each is kept as one file of every generated file, so that the expected
#: pyproject.toml or .gitignore cannot configure the tools run on this repository.
PROJECTS = {
    "init": ("analytics", (), ()),
    "taxi_job": (
        "taxi",
        ("import click", "import matplotlib.pyplot as plt", "import numpy as np"),
        ("taxi.taxi_tips",),
    ),
}


def project_case(name: str, work: Path) -> str:
    """Every file of the project of case ``name`` (made in ``work``), one after the
    other under a line naming it."""
    from nbrefactor.emit.job import package_modules
    from nbrefactor.emit.project import new_project, project_files

    package, imports, jobs = PROJECTS[name]
    project = new_project(work, package, "src")
    files = dict(project_files(project, imports, jobs=jobs))
    if jobs:
        files.update({project.package_dir / n: t for n, t in package_modules(package).items()})
    return "".join(
        f"=== {path.relative_to(work).as_posix()} ===\n{text}"
        for path, text in sorted(files.items())
    )


CHECK_CASES = REPO / "tests" / "cases" / "check"


def check_runs(folder: Path) -> dict[str, dict[str, Any]]:
    """The runs of the check case in ``folder`` (``runs.json``): for each expected file,
    the arguments of ``nbrefactor check`` and the exit code it must give."""
    runs: dict[str, dict[str, Any]] = json.loads((folder / "runs.json").read_text())
    return runs


def check_case(folder: Path, args: list[str]) -> tuple[int, str]:
    """``nbrefactor check --no-cache ARGS`` run in ``folder``: its exit code and output
    (nbrefactor's version in SARIF stands as ``VERSION``, so that a release changes no
    golden file)."""
    import os

    from click.testing import CliRunner

    from nbrefactor import __version__, cli

    before = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(
            cli.main, ["check", "--no-cache", *args], env={"NO_COLOR": None, "FORCE_COLOR": None}
        )
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    output = result.stdout.replace(f'"version": "{__version__}"', '"version": "VERSION"')
    return result.exit_code, output


def regenerate() -> None:
    GRAPH_CASES.mkdir(parents=True, exist_ok=True)
    for notebook in example_notebooks():
        text = json.dumps(graph_case(notebook), indent=2, ensure_ascii=False) + "\n"
        expected_path(notebook).write_text(text, encoding="utf-8")
        print(f"wrote {expected_path(notebook).relative_to(REPO)}")
    import tempfile

    for folder in sorted(p for p in EXTRACT_CASES.iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory() as work:
            for name, text in extract_case(folder, Path(work)).items():
                (folder / name).write_text(text, encoding="utf-8")
        print(f"wrote {folder.relative_to(REPO)}/expected_*")
    for folder in sorted(p for p in CHECK_CASES.iterdir() if p.is_dir()):
        for name, run in check_runs(folder).items():
            code, output = check_case(folder, run["args"])
            if code != run["exit"]:
                print(f"warning: {folder.name}/{name}: exit {code}, runs.json says {run['exit']}")
            (folder / name).write_text(output, encoding="utf-8")
        print(f"wrote {folder.relative_to(REPO)}/expected*")
    PROJECT_CASES.mkdir(parents=True, exist_ok=True)
    for name in PROJECTS:
        with tempfile.TemporaryDirectory() as work:
            (PROJECT_CASES / f"{name}.txt").write_text(project_case(name, Path(work)))
        print(f"wrote {(PROJECT_CASES / name).relative_to(REPO)}.txt")


if __name__ == "__main__":
    regenerate()
