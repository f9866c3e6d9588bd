"""``[tool.nbrefactor]`` in pyproject.toml, read once into a frozen :class:`Config`.

Keys are kebab-case, as in the table below; command line flags override them. An
unknown key is an error that names it, so a typo never silently does nothing.
"""

from __future__ import annotations

import keyword
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from nbrefactor.analysis.clones import CloneSettings
from nbrefactor.diagnostics import unknown_code_message, unknown_codes
from nbrefactor.errors import NbrefactorError
from nbrefactor.fileio import resolved
from nbrefactor.llm.settings import LlmSettings, parse_llm_settings

CHECKS = ("duplicates", "hidden-state")
#: Where ``check --update-baseline`` writes the baseline, and where ``check`` and the hook
#: look for it, in the project's root, when the ``baseline`` key does not say.
DEFAULT_BASELINE = ".nbrefactor-baseline.json"

#: Layouts of a new project: the package in ``src/``, or next to pyproject.toml.
LAYOUTS = ("src", "flat")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for nbrefactor; see docs/reference/check.md for what each one does."""

    #: What counts as a clone (the keys ``min-statements``, ``min-tokens``, ``type3``,
    #: ``type3-similarity`` and ``type3-min-statements``).
    clones: CloneSettings = CloneSettings()
    exclude: tuple[str, ...] = ()
    checks: tuple[str, ...] = ("duplicates",)
    #: Codes (or prefixes of codes: ``NBR1``) reported; empty: every code.
    select: tuple[str, ...] = ()
    #: Codes (or prefixes) not reported; the longest matching prefix decides, as in ruff.
    ignore: tuple[str, ...] = ()
    baseline: str | None = None
    #: The package ``extract`` moves code into (else the single package of the project).
    package: str | None = None
    #: What ``extract`` (and ``verify``, ``init``) do unless a flag says otherwise.
    layout: Literal["src", "flat"] = "src"
    module: str | None = None  # None: a module per notebook, named from its file
    autoreload: bool = True
    kernel: str | None = None  # None: the notebook's own, else python3
    timeout: float = 600.0  # seconds a cell may run
    verify: bool = False
    #: The language model stage (``[tool.nbrefactor.llm]``), used by ``extract --llm``.
    llm: LlmSettings = field(default_factory=LlmSettings)
    #: The pyproject.toml the settings came from, if any.
    source: Path | None = field(default=None, compare=False)

    def with_overrides(self, **overrides: Any) -> Config:
        """A copy with the given settings replaced, clone settings among them by their
        own name (``min_statements=5``); ``None`` means "not given"."""
        given = {k: v for k, v in overrides.items() if v is not None}
        clone_fields = {f.name for f in fields(CloneSettings)}
        clones = {k: given.pop(k) for k in list(given) if k in clone_fields}
        return replace(self, clones=replace(self.clones, **clones), **given)


#: Every key of [tool.nbrefactor]: where its value goes (a field of Config or of its
#: clone settings) and the default that tells its type.
_KEYS: dict[str, tuple[str, Any]] = {
    **{
        f.name.replace("_", "-"): (f"clones.{f.name}", getattr(CloneSettings(), f.name))
        for f in fields(CloneSettings)
    },
    **{
        f.name.replace("_", "-"): (f.name, getattr(Config(), f.name))
        for f in fields(Config)
        if f.name not in ("clones", "source", "llm")
    },
}


#: What each key of [tool.nbrefactor] sets, for its reference page (a test checks that
#: every key has its line).
KEY_HELP = {
    "min-statements": "the smallest copy reported, in statements",
    "min-tokens": "the smallest copy reported, in syntax-tree tokens",
    "type3": "also report near copies (statements added or removed)",
    "type3-similarity": "how alike two blocks must be to be near copies, from 0 to 1",
    "type3-min-statements": "the smallest near copy, in statements",
    "exclude": "paths `check` and the hook leave out, `.gitignore`-style patterns",
    "checks": '`"duplicates"`, and `"hidden-state"` for the cell-graph findings',
    "select": 'the codes reported, or their prefixes (`["NBR0", "NBR101"]`); empty: all',
    "ignore": "the codes (or prefixes) not reported; the longer prefix wins over `select`",
    "baseline": "the file of recorded copies, from the project root: only copies not in it "
    "are reported (used when it exists; `check --update-baseline` writes it)",
    "package": "the package `extract` moves code into (else the project's only package)",
    "layout": '`"src"` or `"flat"`: where the package of a project `extract` or `init` '
    "creates goes",
    "module": "the module `extract` puts every notebook's code in (else a module per "
    "notebook, named from its file; set it only in a project of one notebook)",
    "autoreload": "`extract` adds `%autoreload 2` to the import cell",
    "kernel": "the Jupyter kernel `verify` and `extract --verify` run notebooks in "
    "(else the notebook's own)",
    "timeout": "seconds a cell may run in `verify` and `extract --verify`",
    "verify": "`extract` runs the notebooks before and after, and writes only when they "
    "show the same outputs (`--no-verify` skips it once)",
}


def default_values() -> dict[str, Any]:
    """Each key of [tool.nbrefactor] and its default."""
    return {key: default for key, (_, default) in _KEYS.items()}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    return next(_pyprojects(start), None)


def _pyprojects(start: Path) -> Iterator[Path]:
    """The pyproject.toml files at and above ``start``, nearest first."""
    folder = start if start.is_dir() else start.parent
    for candidate in [resolved(folder), *resolved(folder).parents]:
        path = candidate / "pyproject.toml"
        if path.is_file():
            yield path


def load_config(start: Path | None = None, *, configured_only: bool = False) -> Config:
    """Read ``[tool.nbrefactor]`` from the nearest pyproject.toml (none: the defaults).
    With ``configured_only``, a pyproject.toml without that table is passed over for one
    further up that has it, as ruff passes over those without ``[tool.ruff]``: the
    settings' folder is then where the team configured nbrefactor."""
    for path in _pyprojects(start or Path.cwd()):
        table = _table(path)
        if table is not None or not configured_only:
            return parse_config(table or {}, path)
    return Config()


def _table(path: Path) -> dict[str, Any] | None:
    """The ``[tool.nbrefactor]`` table of the pyproject.toml at ``path``, if it has one."""
    # imported here: a folder without a pyproject.toml (and the hook in it) does not pay
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise NbrefactorError(f"cannot read: {error}", path=path) from None
    tool = data.get("tool", {})
    table = tool.get("nbrefactor") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise NbrefactorError("[tool.nbrefactor] must be a table", path=path)
    return table


def parse_config(table: dict[str, Any], path: Path | None = None) -> Config:
    """The settings of a ``[tool.nbrefactor]`` table read from ``path``."""
    values: dict[str, Any] = {}
    clones: dict[str, Any] = {}
    for key, value in table.items():
        if key == "llm":
            values["llm"] = parse_llm_settings(value, path)
            continue
        spec = _KEYS.get(key)
        if spec is None:
            known = ", ".join(sorted([*_KEYS, "llm"]))
            raise NbrefactorError(
                f"unknown key {key!r} in [tool.nbrefactor] (known keys: {known})", path=path
            )
        target, default = spec
        checked = _check_value(key, value, default, path)
        if target.startswith("clones."):
            clones[target.removeprefix("clones.")] = checked
        else:
            values[target] = checked
    config = Config(clones=CloneSettings(**clones), **values, source=path)
    for key, codes in (("select", config.select), ("ignore", config.ignore)):
        unknown = unknown_codes(codes)
        if unknown:
            raise NbrefactorError(
                f"[tool.nbrefactor] {key}: {unknown_code_message(unknown[0])}", path=path
            )
    unknown_checks = set(config.checks) - set(CHECKS)
    if unknown_checks:
        raise NbrefactorError(
            f"unknown check {sorted(unknown_checks)[0]!r} in [tool.nbrefactor] checks "
            f"(known: {', '.join(CHECKS)})",
            path=path,
        )
    return config


#: The module code shared by notebooks goes to (``planning.units.COMMON_MODULE``, which
#: this module does not import: the hook loads the configuration, not the planner).
_SHARED_MODULE = "common"


def _is_module_name(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.isidentifier()
        and not keyword.iskeyword(value)
        and value != _SHARED_MODULE
    )


def _is_positive_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


#: Keys whose values are narrower than their default's type: a test and what it wants.
_NARROW: dict[str, tuple[Callable[[Any], bool], str]] = {
    "layout": (lambda value: value in LAYOUTS, " or ".join(f'"{v}"' for v in LAYOUTS)),
    "module": (
        _is_module_name,
        f"a Python module name other than {_SHARED_MODULE} (where code shared by notebooks goes)",
    ),
    "kernel": (lambda value: isinstance(value, str) and bool(value), "a kernel's name"),
    "timeout": (_is_positive_number, "a positive number of seconds"),
}


def _check_value(key: str, value: Any, default: Any, path: Path | None) -> Any:
    if key in _NARROW:
        test, want = _NARROW[key]
        ok = test(value)
    elif isinstance(default, bool):
        ok, want = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, want = (
            isinstance(value, int) and not isinstance(value, bool) and value > 0,
            ("a positive whole number"),
        )
    elif isinstance(default, float):
        ok, want = isinstance(value, (int, float)) and 0 < value <= 1, "a number from 0 to 1"
    elif isinstance(default, tuple):
        ok, want = (
            isinstance(value, list) and all(isinstance(v, str) for v in value),
            ("a list of strings"),
        )
        value = tuple(value) if ok else value
    else:
        ok, want = isinstance(value, str), "a string"
    if not ok:
        raise NbrefactorError(f"[tool.nbrefactor] {key} must be {want}, not {value!r}", path=path)
    return value
