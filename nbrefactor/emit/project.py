"""Where extracted code goes: the user's project, or a new one nbrefactor creates."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import keyword
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from nbrefactor.config import find_pyproject, load_config
from nbrefactor.emit.templating import checked_python, render
from nbrefactor.errors import NbrefactorError, UsageError
from nbrefactor.fileio import resolved
from nbrefactor.planning.units import COMMON_MODULE

Layout = Literal["src", "flat"]
_NOT_PACKAGES = frozenset({"tests", "test", "docs", "examples", "benchmarks", "notebooks", "build"})
#: Import names whose distribution on PyPI has another name.
_DISTRIBUTIONS = {
    "sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "pillow", "yaml": "pyyaml",
    "bs4": "beautifulsoup4", "skimage": "scikit-image", "dateutil": "python-dateutil",
    "mpl_toolkits": "matplotlib", "pylab": "matplotlib", "IPython": "ipython",
    "attr": "attrs", "dotenv": "python-dotenv", "Bio": "biopython", "jwt": "PyJWT",
}  # fmt: skip
#: Packages that give mypy the types of a library which ships none, by the library's
#: distribution (normalised): typeshed's ``types-*`` and the libraries' own stubs.
_STUBS = {
    "pandas": "pandas-stubs", "scipy": "scipy-stubs", "requests": "types-requests",
    "pyyaml": "types-pyyaml", "seaborn": "types-seaborn", "tqdm": "types-tqdm",
    "tabulate": "types-tabulate", "openpyxl": "types-openpyxl",
    "python-dateutil": "types-python-dateutil",
}  # fmt: skip
#: Modules of libraries with no type information anywhere, which mypy must not look for.
_UNTYPED = frozenset({"sklearn", "statsmodels"})


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


#: What makes a project one a team can ship, by path in the project: the template of
#: each file (``{package_path}`` is the package's folder).
_PROJECT_TEMPLATES = {
    "pyproject.toml": "pyproject.toml.jinja",
    "README.md": "README.md.jinja",
    ".gitignore": "gitignore.jinja",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.jinja",
    ".github/workflows/ci.yml": "ci.yml.jinja",
    "mkdocs.yml": "mkdocs.yml.jinja",
    "docs/index.md": "docs_index.md.jinja",
    "docs/api.md": "docs_api.md.jinja",
    "notebooks/README.md": "notebooks_readme.md.jinja",
    "tests/conftest.py": "conftest.py.jinja",
    "tests/test_package.py": "test_package.py.jinja",
    "{package_path}/__init__.py": "package_init.py.jinja",
}
#: What the package is, said in its README and docs when nbrefactor made it.
MOVED_OUT_OF_NOTEBOOKS = "Code moved out of notebooks by nbrefactor."


def project_files(
    project: Project,
    imports: Iterable[str],
    notebook_folders: Iterable[Path] = (),
    *,
    jobs: Sequence[str] = (),
    description: str = MOVED_OUT_OF_NOTEBOOKS,
) -> dict[Path, str]:
    """The files of a new project (pyproject.toml, README, package __init__, tests,
    docs, CI, ...) whose code has ``imports`` (statements) and comes from notebooks in
    ``notebook_folders``; ``jobs`` are its job modules (dotted), which the README says
    how to run.

    A module the code imports from one of ``notebook_folders`` (``import helpers`` with
    helpers.py beside the notebook, or in a folder the notebook adds to ``sys.path``)
    is imported as the notebook imports it: it is no dependency, and the tests find it
    through pytest's ``pythonpath``.
    """
    statements = list(imports)
    local = local_modules(statements, notebook_folders)
    distribution = project.package.replace("_", "-")
    needed = dependencies(statements, project.package, set(local))
    package_path = project.package_dir.relative_to(project.root).as_posix()
    values = {
        "distribution": distribution,
        "description": description,
        "package": project.package,
        "package_path": package_path,
        "import_root": project.import_root.relative_to(project.root).as_posix(),
        "jobs": list(jobs),
        "dependencies": needed,
        "typing": ["mypy", *sorted({s for d in needed if (s := _STUBS.get(_normalised(d)))})],
        "untyped": sorted({_top_module(s) for s in statements} & _UNTYPED),
        "test_paths": sorted(
            {
                Path(os.path.relpath(folder, project.root.absolute())).as_posix()
                for folder in local.values()
            }
        ),
    }
    files = {}
    for path, template in _PROJECT_TEMPLATES.items():
        file = project.root / path.format(package_path=package_path)
        files[file] = _checked(file, render(template, **values))
    return files


def _checked(path: Path, text: str) -> str:
    """``text``, rendered for ``path``, once it parses as what the file is."""
    if path.suffix == ".py":
        return checked_python(text, str(path))
    if path.suffix == ".toml":
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise NbrefactorError(
                f"generated {path.name} does not parse ({error}); this is a bug in "
                "nbrefactor, nothing was written"
            ) from None
    return text


def _top_module(statement: str) -> str:
    """The top-level module an import statement imports from (``''`` if relative)."""
    words = statement.split()
    module = words[1] if len(words) > 1 and words[0] in ("import", "from") else ""
    return module.split(".")[0]


def _normalised(distribution: str) -> str:
    """A distribution's name as PyPI compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _relative(folder: Path, root: Path) -> str:
    return Path(os.path.relpath(folder, root)).as_posix()


def local_modules(imports: Iterable[str], folders: Iterable[Path]) -> dict[str, Path]:
    """The modules among ``imports`` that are files or packages in one of ``folders``
    (a notebook's own helpers), with the folder."""
    found: dict[str, Path] = {}
    for folder in folders:
        for statement in imports:
            top = _top_module(statement)
            if top and (
                (folder / f"{top}.py").is_file() or (folder / top / "__init__.py").is_file()
            ):
                found.setdefault(top, folder.absolute())
    return found


def dependencies(imports: Iterable[str], package: str, local: Set[str] = frozenset()) -> list[str]:
    """Distributions the imports need: third-party top-level modules (not the standard
    library's, not the package's, not ``local`` ones), by their name on PyPI: the
    distribution installed here that provides the module, else a known name."""
    found: set[str] = set()
    for statement in imports:
        top = _top_module(statement)
        if top and top != package and top not in sys.stdlib_module_names and top not in local:
            found.add(_distribution(top))
    return sorted(found)


def _distribution(module: str) -> str:
    installed = _installed_distributions().get(module)
    if installed:
        return installed[0]
    return _DISTRIBUTIONS.get(module, module)


@cache
def _installed_distributions() -> Mapping[str, list[str]]:
    try:
        return importlib.metadata.packages_distributions()
    except Exception:  # a broken installation's metadata: fall back to the table
        return {}
