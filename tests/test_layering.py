"""The package's floors: a lower one never imports a higher one, only the command line
imports click, and the commands that do not rewrite code never load what rewriting needs.

The imports are read from the source (every ``import``, at any depth, lazy ones
included), so a layer cannot reach up even inside a function.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nbrefactor"

#: For each part of the package, the parts it must never import.
FORBIDDEN = {
    "notebook": {
        "analysis", "planning", "codemods", "emit", "verification", "api", "duplicates",
        "report", "config", "cli", "hooks",
    },
    "analysis": {
        "planning", "codemods", "emit", "verification", "api", "duplicates", "report",
        "config", "cli", "hooks",
    },
    "planning": {
        "codemods", "emit", "verification", "api", "duplicates", "report", "cli", "hooks",
        "llm",
    },
    # the model proposes, the planner decides: the stage only reads the notebook
    "llm": {
        "codemods", "emit", "verification", "api", "duplicates", "report", "cli", "hooks",
        "jupyter_ext",
    },
    "codemods": {"planning", "emit", "verification", "api", "duplicates", "cli", "hooks"},
    "duplicates": {"planning", "codemods", "emit", "verification", "api", "cli", "hooks"},
    "report": {"planning", "codemods", "emit", "verification", "api", "cli", "hooks"},
    "verification": {
        "planning", "codemods", "emit", "api", "duplicates", "report", "cli", "hooks",
    },
    "emit": {"api", "duplicates", "cli", "hooks", "jupyter_ext"},
    "api": {"cli", "hooks", "jupyter_ext"},
    "hooks": {"cli", "jupyter_ext"},
    "jupyter_ext": {"cli", "hooks"},  # it calls the jobs, as the command line does
    # the progress line is a leaf: the hook's path (api/check.py) may reach it cheaply
    "progress": {
        "notebook", "analysis", "planning", "codemods", "emit", "verification", "api",
        "duplicates", "report", "config", "cli", "hooks", "llm", "jupyter_ext",
    },
}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, by absolute name (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("nbrefactor", *path.relative_to(PACKAGE).parent.parts))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def part_of(module: str) -> str | None:
    """``nbrefactor.emit.render`` -> ``emit``; ``nbrefactor.cli`` -> ``cli``."""
    parts = module.split(".")
    if parts[0] != "nbrefactor" or len(parts) < 2:
        return None
    return parts[1].removesuffix(".py")


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_layer_imports_a_layer_above_it() -> None:
    reaching_up = []
    for path in modules():
        own = part_of("nbrefactor." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        forbidden = FORBIDDEN.get(own or "", set())
        for module in sorted(imported_modules(path)):
            if part_of(module) in forbidden:
                reaching_up.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert reaching_up == []


def test_only_the_server_extension_imports_jupyter_server_and_tornado() -> None:
    importers = {
        str(path.relative_to(PACKAGE.parent))
        for path in modules()
        if any(m.split(".")[0] in ("jupyter_server", "tornado") for m in imported_modules(path))
    }
    assert importers == {"nbrefactor/jupyter_ext/handlers.py"}


def test_only_the_command_line_imports_click() -> None:
    importers = [
        str(path.relative_to(PACKAGE.parent))
        for path in modules()
        if any(m == "click" or m.startswith("click.") for m in imported_modules(path))
    ]
    assert importers == ["nbrefactor/cli.py"]


def test_the_checker_sees_what_it_must() -> None:
    """The rule above would pass on a checker that found nothing: it finds these."""
    found = imported_modules(PACKAGE / "api" / "extract.py")
    assert {"nbrefactor.planning.planner", "nbrefactor.emit.changes"} <= found
    assert part_of("nbrefactor.emit.render") == "emit"
    assert "click" in imported_modules(PACKAGE / "cli.py")


#: Loaded only to rewrite code (libcst, jinja2) or to run notebooks and validate them
#: (nbformat's jsonschema, which compiles grammars when it is imported).
HEAVY = ("libcst", "jinja2", "nbformat", "jsonschema")

_LOADED = """
import json, sys
from {module} import main
try:
    main({argv!r})
except SystemExit:
    pass
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def loaded_by(module: str, argv: list[str], cwd: Path) -> set[str]:
    """The top-level modules a front end has loaded once it ran ``argv``."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED.format(module=module, argv=argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    ("module", "argv"),
    [
        ("nbrefactor.cli", ["check", "--help"]),
        ("nbrefactor.cli", ["check", "examples/cleaning_sales.ipynb", "--no-cache"]),
        ("nbrefactor.cli", ["graph", "examples/globals_functions.ipynb"]),
        ("nbrefactor.hooks.duplicates", ["--no-cache", "examples/taxi_tips.ipynb"]),
    ],
)
def test_check_graph_and_the_hook_load_nothing_heavy(module: str, argv: list[str]) -> None:
    loaded = loaded_by(module, argv, PACKAGE.parent)
    assert "nbrefactor" in loaded  # it ran
    assert sorted(loaded.intersection(HEAVY)) == []


def test_extract_loads_what_it_needs(tmp_path: Path) -> None:
    """The other side of the test above: the probe does see libcst when it is used."""
    argv = ["extract", "examples/weather_eda.ipynb", "--dry-run"]
    argv += ["--project-dir", str(tmp_path / "demo"), "--package", "demo"]
    loaded = loaded_by("nbrefactor.cli", argv, PACKAGE.parent)
    assert {"libcst", "jinja2"} <= loaded
    assert not loaded & {"jupyter_server", "tornado"}  # the server extension's own
