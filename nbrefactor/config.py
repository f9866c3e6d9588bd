"""``[tool.nbrefactor]`` in pyproject.toml, read once into a frozen :class:`Config`.

Keys are kebab-case, as in the table below; command line flags override them. An
unknown key is an error that names it, so a typo never silently does nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from nbrefactor.analysis.clones import CloneSettings
from nbrefactor.errors import NbrefactorError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CHECKS = ("duplicates", "hidden-state")
_CLONES = CloneSettings()  # one place for the clone-size defaults


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for nbrefactor; see docs/check.md for what each one does."""

    min_statements: int = _CLONES.min_statements
    min_tokens: int = _CLONES.min_tokens
    type3: bool = _CLONES.type3
    type3_similarity: float = _CLONES.type3_similarity
    type3_min_statements: int = _CLONES.type3_min_statements
    exclude: tuple[str, ...] = ()
    checks: tuple[str, ...] = ("duplicates",)
    baseline: str | None = None
    #: The package ``extract`` moves code into (else the single package of the project).
    package: str | None = None
    #: The pyproject.toml the settings came from, if any.
    source: Path | None = field(default=None, compare=False)

    def with_overrides(self, **overrides: Any) -> Config:
        """A copy with the given settings replaced; ``None`` means "not given"."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)


_KEYS = {f.name.replace("_", "-"): f for f in fields(Config) if f.name != "source"}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder.resolve(), *folder.resolve().parents]:
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_config(start: Path | None = None) -> Config:
    """Read ``[tool.nbrefactor]`` from the nearest pyproject.toml (none: the defaults)."""
    path = find_pyproject(start or Path.cwd())
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise NbrefactorError(f"cannot read: {error}", path=path) from None
    table = data.get("tool", {}).get("nbrefactor", {})
    if not isinstance(table, dict):
        raise NbrefactorError("[tool.nbrefactor] must be a table", path=path)
    return parse_config(table, path)


def parse_config(table: dict[str, Any], path: Path | None = None) -> Config:
    values: dict[str, Any] = {}
    for key, value in table.items():
        spec = _KEYS.get(key)
        if spec is None:
            known = ", ".join(sorted(_KEYS))
            raise NbrefactorError(
                f"unknown key {key!r} in [tool.nbrefactor] (known keys: {known})", path=path
            )
        values[spec.name] = _check_value(key, value, path)
    config = Config(**values, source=path)
    unknown_checks = set(config.checks) - set(CHECKS)
    if unknown_checks:
        raise NbrefactorError(
            f"unknown check {sorted(unknown_checks)[0]!r} in [tool.nbrefactor] checks "
            f"(known: {', '.join(CHECKS)})",
            path=path,
        )
    return config


def _check_value(key: str, value: Any, path: Path | None) -> Any:
    default = getattr(Config(), key.replace("-", "_"))
    if isinstance(default, bool):
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
