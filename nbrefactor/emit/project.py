"""Where extracted code goes: the user's project, or a new one nbrefactor creates."""

from __future__ import annotations

import importlib.util
import keyword
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from nbrefactor.config import find_pyproject, load_config
from nbrefactor.emit.render import render
from nbrefactor.errors import NbrefactorError, UsageError
from nbrefactor.fileio import resolved
from nbrefactor.planning.units import COMMON_MODULE

Layout = Literal["src", "flat"]
_NOT_PACKAGES = frozenset({"tests", "test", "docs", "examples", "benchmarks", "notebooks", "build"})
#: Import names whose distribution on PyPI has another name.
_DISTRIBUTIONS = {
    "sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "pillow", "yaml": "pyyaml",
    "bs4": "beautifulsoup4", "skimage": "scikit-image", "dateutil": "python-dateutil",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Project:
    """A package to move code into; ``new`` when nbrefactor creates the project."""

    root: Path
    package: str
    package_dir: Path
    tests_dir: Path
    new: bool = False

    @property
    def import_root(self) -> Path:
        """The folder the package is imported from (``src/`` or the root)."""
        return self.package_dir.parents[len(self.package.split(".")) - 1]


def module_name(notebook: Path, *, keep_number: bool = False) -> str:
    """A valid module name from a notebook's file name, in snake case without its
    leading number (``02.01-Clean Data.ipynb`` -> ``clean_data``), or with it at the
    end (``clean_data_02_01``) when ``keep_number``; never ``common``, the module of code
    shared by notebooks, nor a keyword (``nb_class``)."""
    ascii_stem = unicodedata.normalize("NFKD", notebook.stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"\W+", "_", ascii_stem.lower()).strip("_")
    number = re.match(r"(\d+_)+", stem)
    if number is not None and number.end() < len(stem):
        stem = stem[number.end() :]
        if keep_number:
            stem = f"{stem}_{number.group(0).rstrip('_')}"
    if stem.isidentifier() and not keyword.iskeyword(stem) and stem != COMMON_MODULE:
        return stem
    return f"nb_{stem or 'notebook'}"


def module_names(notebooks: Sequence[Path]) -> dict[Path, str]:
    """:func:`module_name` of each of ``notebooks``, extracted together: two that would
    share a module keep their numbers (``1_intro`` -> ``intro_1``).

    Raises:
        UsageError: two of them would share one all the same (``a/intro.ipynb`` and
            ``b/intro.ipynb``).
    """
    names = {path: module_name(path) for path in notebooks}
    counts = Counter(names.values())
    names = {
        path: module_name(path, keep_number=True) if counts[name] > 1 else name
        for path, name in names.items()
    }
    seen: dict[str, Path] = {}
    for path, name in names.items():
        if name in seen:
            raise UsageError(
                f"{seen[name]} and {path} would both go to module {name}; extract them "
                "one at a time, naming a module for each with --module"
            )
        seen[name] = path
    return names


def find_project(start: Path) -> Project:
    """The project at or above ``start`` (a notebook or a folder): the nearest
    pyproject.toml, and its package (``[tool.nbrefactor] package``, or the one package
    in ``src/`` or at the root)."""
    pyproject = find_pyproject(resolved(start))
    if pyproject is None:
        raise NbrefactorError(
            "no pyproject.toml above it: create a project with --project-dir DIR --package NAME",
            path=start,
        )
    root = pyproject.parent
    config = load_config(root)
    candidates = [root / "src", root]
    if config.package:
        for base in candidates:
            folder = base / config.package.replace(".", "/")
            if (folder / "__init__.py").is_file():
                return Project(root, config.package, folder, root / "tests")
        raise NbrefactorError(
            f"package {config.package!r} from [tool.nbrefactor] not found", path=pyproject
        )
    for base in candidates:
        packages = [
            p for p in sorted(base.glob("*/__init__.py")) if p.parent.name not in _NOT_PACKAGES
        ]
        if len(packages) == 1:
            folder = packages[0].parent
            return Project(root, folder.name, folder, root / "tests")
        if len(packages) > 1:
            names = ", ".join(p.parent.name for p in packages)
            raise NbrefactorError(
                f"several packages ({names}): choose one with `package` in [tool.nbrefactor]",
                path=pyproject,
            )
    raise NbrefactorError(
        "no package found (a folder with __init__.py in src/ or next to pyproject.toml); "
        "name one with --package",
        path=pyproject,
    )


def new_project(root: Path, package: str, layout: Layout) -> Project:
    """The project nbrefactor creates in ``root`` for ``package``.

    Raises:
        UsageError: ``package`` cannot name a package (see :func:`package_name_problem`).
    """
    problem = package_name_problem(package)
    if problem is not None:
        raise UsageError(f"--package {package!r} {problem}")
    base = root / "src" if layout == "src" else root
    return Project(root, package, base / package, root / "tests", new=True)


def package_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the package of a new project, or None when it can: it
    must be an ASCII identifier that is no keyword, and must not hide a module the
    notebooks or their tests could import (the standard library's, an installed one)."""
    if not name.isidentifier() or not name.isascii():
        return "is not a valid package name (ASCII letters, digits and _, not first a digit)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in sys.stdlib_module_names:
        return "is a module of the standard library, which the package would hide"
    if name in _NOT_PACKAGES:
        return f"is where projects keep their {name}, not a package"
    if importlib.util.find_spec(name) is not None:
        return "is the name of an installed module, which the package would hide"
    return None


def project_files(project: Project, imports: Iterable[str]) -> dict[Path, str]:
    """The files of a new project (pyproject.toml, README, package __init__, ...)."""
    distribution = project.package.replace("_", "-")
    values = {
        "distribution": distribution,
        "package": project.package,
        "package_path": project.package_dir.relative_to(project.root).as_posix(),
        "dependencies": dependencies(imports, project.package),
    }
    return {
        project.root / "pyproject.toml": render("pyproject.toml.jinja", **values),
        project.root / "README.md": render("README.md.jinja", **values),
        project.root / ".gitignore": render("gitignore.jinja", **values),
        project.root / ".pre-commit-config.yaml": render("pre-commit-config.yaml.jinja", **values),
        project.package_dir / "__init__.py": render("package_init.py.jinja", **values),
    }


def dependencies(imports: Iterable[str], package: str) -> list[str]:
    """Distributions the imports need: third-party top-level modules, mapped to names
    on PyPI where they differ."""
    found: set[str] = set()
    for statement in imports:
        words = statement.split()
        module = words[1] if words[0] in ("import", "from") else ""
        top = module.split(".")[0]
        if top and top != package and top not in sys.stdlib_module_names:
            found.add(_DISTRIBUTIONS.get(top, top))
    return sorted(found)
